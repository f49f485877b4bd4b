/*
 * kde_poly.h - the polynomial path of kde.c, instantiated twice by kde.c:
 * with double (quartic, epanechnikov, uniform) and with long double
 * (triweight, whose deeper tails need the extra 11 bits; see kde.c's header).
 * Expects ACC (the accumulator type), ADD_POINT and EVAL_CHUNK (function names);
 * both take the kernel's power as a constant argument (always inlined).
 * Blocks (kde.c's header): block k covers columns [kS, kS + NFAM S) and
 * belongs to family k mod NFAM. Layout of one thread's accumulators: for
 * local row lr, family f, column c, a record of rec = n_coef + 1 values at
 * ((lr * NFAM + f) * stride + c) * rec: the coefficients, then the change in
 * the number of active runs (an integer, exact in floating point).
 */
/* Record the runs of point pt on rows [ra, rb] (grid rows; r0 = the chunk's
 * first): on each row, the columns [c0, c1] within r of the point carry the
 * polynomial w (a - (dlt + hr u)^2)^m, a = 1 - dy^2/r^2, expanded about the
 * middle of the block k whose middle kS + NFAM S / 2 is nearest fx. That block
 * holds every run of the point whole: with NFAM = 3 the middle is within S/2
 * of fx and a run within r/h < S of fx, so the run lies inside (middle -
 * 1.5 S, middle + 1.5 S) with a cell to spare. k, dlt and the coefficients
 * that do not involve a are the same on every row of the point. k may be
 * negative near the west edge (blocks start before column 0). */
static inline __attribute__((always_inline)) void
ADD_POINT(const kde_job *j, void *coef_v, size_t r0, size_t ra, size_t rb, const kpt *pt,
          const row_runs *runs, const int power)
{
    ACC *coef = coef_v;
    /* power is a constant at every call (kde.c's add_point): the compiler
     * unrolls the record updates below and drops the switch */
    const size_t nc = 2 * (size_t)power + 1, rec = nc + 1;
    size_t stride = j->grid->n_cols + 1;
    long S = (long)j->stride_s, last_col = (long)j->grid->n_cols - 1;
    double fx = pt->fx;
    /* round(fx / S - NFAM / 2); fx > -2^20 S here, so truncating the shifted
     * value is a floor */
    long k = (long)(fx * j->inv_s - 0.5 * NFAM + 0.5 + 1048576.0) - 1048576;
    size_t fam = (size_t)(((k % NFAM) + NFAM) % NFAM);
    long bend = k * S + NFAM * S; /* the running sums restart there */
    if (bend > last_col + 1)
        bend = last_col + 1;      /* ... and at the grid's east edge */
    /* signed long -> floating point: one instruction (unsigned needs several) */
    ACC hr = (ACC)j->inv_rr, dlt = ((ACC)(k * S) + (ACC)(0.5 * NFAM) * (ACC)S - (ACC)fx) * hr;
    /* q(u) = q0 - (dlt + hr u)^2 + dlt^2 = q0 + q1 u + q2 u^2, in units of r^2 */
    ACC q1 = -(ACC)2 * dlt * hr, q2 = -hr * hr, w = (ACC)pt->w, dd = dlt * dlt;
    ACC w2q1 = (ACC)2 * w * q1, w2q2 = (ACC)2 * w * q2, wq1q1 = w * q1 * q1;
    ACC p[MAX_COEF];
    p[0] = w; /* uniform */
    if (power == 1) {
        p[1] = w * q1;
        p[2] = w * q2;
    } else if (power == 2) {
        p[3] = w2q1 * q2;
        p[4] = w * q2 * q2;
    }
    for (size_t row = ra; row <= rb; row++) {
        long c0 = runs->c0[row - ra], c1 = runs->c1[row - ra];
        if (c0 > c1)
            continue;
        ACC q0 = (ACC)runs->t[row - ra] - dd;
        switch (power) {
        case 0: break;
        case 1: p[0] = w * q0; break;
        case 2:
            p[0] = w * q0 * q0;
            p[1] = w2q1 * q0;
            p[2] = wq1q1 + w2q2 * q0;
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
        ACC *d = coef + ((row - r0) * NFAM + fam) * stride * rec;
        ACC *d0 = d + (size_t)c0 * rec;
        for (size_t i = 0; i < nc; i++)
            d0[i] += p[i];
        d0[nc] += 1;
        if (c1 + 1 < bend) {
            ACC *d1 = d + (size_t)(c1 + 1) * rec;
            for (size_t i = 0; i < nc; i++)
                d1[i] -= p[i];
            d1[nc] -= 1;
        }
    }
}

/* Running sums of one chunk's difference arrays into the grid rows: the
 * NFAM block families are summed side by side, each restarting where one of
 * its blocks starts (family f at columns kS, k = f mod NFAM); before column 0
 * family f > 0 is in its block k = f - NFAM, which may hold runs. */
static inline __attribute__((always_inline)) void
EVAL_CHUNK(const kde_job *j, const void *coef_v, size_t r0, size_t nr, const int power)
{
    const ACC *coef = coef_v;
    const senda_grid *g = j->grid;
    const size_t nc = 2 * (size_t)power + 1, rec = nc + 1;
    size_t stride = g->n_cols + 1, S = j->stride_s;
    for (size_t lr = 0; lr < nr; lr++) {
        double *out = g->data + (r0 + lr) * g->n_cols;
        ACC s[NFAM][MAX_COEF + 1] = {{0}}, mid[NFAM]; /* sums; s[f][nc]: active runs */
        const ACC *d[NFAM];
        for (int f = 0; f < NFAM; f++) {
            mid[f] = (ACC)((double)(f - NFAM) * (double)S + 0.5 * NFAM * (double)S);
            d[f] = coef + ((lr * NFAM + (size_t)f) * stride) * rec;
        }
        for (size_t b0 = 0; b0 < g->n_cols; b0 += S) {
            size_t f0 = (b0 / S) % NFAM, bend = b0 + S < g->n_cols ? b0 + S : g->n_cols;
            for (size_t k = 0; k <= nc; k++)
                s[f0][k] = 0;
            mid[f0] = (ACC)((double)b0 + 0.5 * NFAM * (double)S);
            for (size_t c = b0; c < bend; c++) {
                ACC v = 0;
                int any = 0;
                for (int f = 0; f < NFAM; f++) {
                    const ACC *dc = d[f] + c * rec;
                    for (size_t k = 0; k <= nc; k++)
                        s[f][k] += dc[k];
                    if (s[f][nc] < (ACC)0.5) {
                        for (size_t k = 0; k < nc; k++) /* no run active: exactly 0 */
                            s[f][k] = 0;
                        continue;
                    }
                    any = 1;
                    ACC u = (ACC)c - mid[f], e = 0;
                    for (size_t k = nc; k-- > 0;)
                        e = e * u + s[f][k];
                    v += e;
                }
                out[c] = any ? (double)(v * (ACC)j->scale) : 0.0;
            }
        }
    }
}
