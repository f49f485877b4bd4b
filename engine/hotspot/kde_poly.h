/*
 * kde_poly.h - the polynomial path of kde.c, instantiated twice by kde.c:
 * with double (quartic, epanechnikov, uniform) and with long double
 * (triweight, whose deeper tails need the extra 11 bits; see kde.c's header).
 * Expects ACC (the accumulator type), ADD_RUN and EVAL_CHUNK (function names).
 */
/* Record the run [c0, c1] of local row lr for point fx (a = 1 - dy^2/r^2). */
static void ADD_RUN(const kde_job *j, void *coef_v, int32_t *cnt, size_t lr, long c0, long c1,
                    double fx, double a, double ws)
{
    ACC *coef = coef_v;
    size_t ncols = j->grid->n_cols, stride = ncols + 1, B = j->block;
    size_t nc = (size_t)j->n_coef;
    ACC hr = (ACC)1 / (ACC)j->rr;
    for (size_t b = (size_t)c0 >> j->block_shift; b <= (size_t)c1 >> j->block_shift; b++) {
        size_t s = b * B > (size_t)c0 ? b * B : (size_t)c0;
        size_t bend = b * B + B - 1 < ncols - 1 ? b * B + B - 1 : ncols - 1;
        size_t e = bend < (size_t)c1 ? bend : (size_t)c1;
        ACC dlt = ((ACC)(b * B + B / 2) - (ACC)fx) * hr;
        /* q(u) = a - (dlt + hr u)^2, u = column - block middle, in units of r^2 */
        ACC q0 = (ACC)a - dlt * dlt, q1 = -(ACC)2 * dlt * hr, q2 = -hr * hr, w = (ACC)ws;
        ACC p[MAX_COEF];
        switch (j->power) {
        case 0: p[0] = w; break;
        case 1: p[0] = w * q0; p[1] = w * q1; p[2] = w * q2; break;
        case 2:
            p[0] = w * q0 * q0;
            p[1] = w * (ACC)2 * q0 * q1;
            p[2] = w * (q1 * q1 + (ACC)2 * q0 * q2);
            p[3] = w * (ACC)2 * q1 * q2;
            p[4] = w * q2 * q2;
            break;
        default: {
            ACC s0 = q0 * q0, s1 = (ACC)2 * q0 * q1, s2 = q1 * q1 + (ACC)2 * q0 * q2,
                  s3 = (ACC)2 * q1 * q2, s4 = q2 * q2; /* q^2, then q^3 = q^2 * q */
            p[0] = w * s0 * q0;
            p[1] = w * (s1 * q0 + s0 * q1);
            p[2] = w * (s2 * q0 + s1 * q1 + s0 * q2);
            p[3] = w * (s3 * q0 + s2 * q1 + s1 * q2);
            p[4] = w * (s4 * q0 + s3 * q1 + s2 * q2);
            p[5] = w * (s4 * q1 + s3 * q2);
            p[6] = w * s4 * q2;
        }
        }
        ACC *d0 = coef + (lr * stride + s) * nc;
        for (size_t k = 0; k < nc; k++)
            d0[k] += p[k];
        cnt[lr * stride + s]++;
        if (e < bend) {
            ACC *d1 = coef + (lr * stride + e + 1) * nc;
            for (size_t k = 0; k < nc; k++)
                d1[k] -= p[k];
            cnt[lr * stride + e + 1]--;
        }
    }
}

/* Running sums of one chunk's difference arrays into the grid rows. */
static void EVAL_CHUNK(const kde_job *j, const void *coef_v, const int32_t *cnt, size_t r0,
                       size_t nr)
{
    const ACC *coef = coef_v;
    const senda_grid *g = j->grid;
    size_t stride = g->n_cols + 1, B = j->block, nc = (size_t)j->n_coef;
    for (size_t lr = 0; lr < nr; lr++) {
        double *out = g->data + (r0 + lr) * g->n_cols;
        for (size_t b0 = 0; b0 < g->n_cols; b0 += B) {
            ACC s[MAX_COEF] = {0};
            long n_active = 0;
            size_t bend = b0 + B < g->n_cols ? b0 + B : g->n_cols;
            for (size_t c = b0; c < bend; c++) {
                const ACC *d = coef + (lr * stride + c) * nc;
                for (size_t k = 0; k < nc; k++)
                    s[k] += d[k];
                n_active += cnt[lr * stride + c];
                if (n_active <= 0) {
                    out[c] = 0.0;
                    continue;
                }
                ACC u = (ACC)c - (ACC)(b0 + B / 2), v = 0;
                for (size_t k = nc; k-- > 0;)
                    v = v * u + s[k];
                out[c] = (double)(v * (ACC)j->scale);
            }
        }
    }
}

