"""One senda command as a QGIS Processing algorithm.

Parameters come from the command's option table (`senda COMMAND --help
--json`): positional arguments and options become Processing parameters of
the matching kind (file, folder, output file, number, boolean, text) with the
CLI's default and help. Running it runs the senda program with the options
the user set, shows senda's GDAL-style progress ("0...10...20...") in the
dialog's progress bar and its messages in the log, cancels it when the user
cancels, and loads a GeoPackage output's layers with their default styles.
"""
import os
import re
import sqlite3
import subprocess
import tempfile

from qgis.core import (QgsProcessingAlgorithm, QgsProcessingContext,
                       QgsProcessingException, QgsProcessingOutputFile,
                       QgsProcessingParameterBoolean, QgsProcessingParameterDefinition,
                       QgsProcessingParameterFile, QgsProcessingParameterFileDestination,
                       QgsProcessingParameterNumber, QgsProcessingParameterString,
                       QgsRasterLayer, QgsVectorLayer)

# Options that only change how the CLI prints: the toolbox has its own.
SKIPPED = {"quiet", "json", "help"}
OUTPUT_NAMES = {"out", "png", "pdf"}
FILE_NAMES = {"points", "store", "dem", "friction", "cost", "units", "study-area", "flows"}
PROGRESS = re.compile(rb"(\d+)(?=\.\.\.| - done)")


def param_name(option):
    """A Processing parameter name for an option ("cell-m" -> "CELL_M")."""
    return re.sub(r"[^A-Za-z0-9]", "_", option).upper()


def is_output(opt):
    name = opt["name"]
    return name in OUTPUT_NAMES or name.endswith("-out")


def file_filter(metavar):
    ext = os.path.splitext(metavar or "")[1].lower()
    names = {".gpkg": "GeoPackage (*.gpkg)", ".png": "PNG picture (*.png)",
             ".pdf": "PDF document (*.pdf)", ".tif": "GeoTIFF (*.tif *.tiff)",
             ".csv": "CSV (*.csv)"}
    return names.get(ext, "All files (*)")


def number_default(value, integer):
    try:
        return int(value) if integer else float(value)
    except (TypeError, ValueError):
        return None


class SendaAlgorithm(QgsProcessingAlgorithm):
    def __init__(self, exe, spec):
        super().__init__()
        self.exe = exe
        self.spec = spec
        self.outputs_written = []

    # -- identity --------------------------------------------------------
    def name(self):
        return self.spec["command"].replace(" ", "_")

    def displayName(self):  # noqa: N802
        return "senda " + self.spec["command"]

    def shortHelpString(self):  # noqa: N802
        return "\n\n".join(filter(None, [self.spec.get("summary"), self.spec.get("description"),
                                         "Command line: " + self.spec.get("usage", "")]))

    def createInstance(self):  # noqa: N802
        return SendaAlgorithm(self.exe, self.spec)

    # -- parameters ------------------------------------------------------
    def initAlgorithm(self, config=None):  # noqa: N802
        for i, pos in enumerate(self.spec.get("positionals", [])):
            many = pos.endswith("...")
            label = pos.rstrip(".")
            if many:  # several files: one text, separated by ';'
                p = QgsProcessingParameterString(f"ARG{i}", f"{label} (several: separate "
                                                 "with ;)")
            else:
                p = QgsProcessingParameterFile(f"ARG{i}", label)
            self.addParameter(p)
        for opt in self.spec.get("options", []):
            if opt["name"] in SKIPPED:
                continue
            p = self.option_parameter(opt)
            required = "(required)" in (opt.get("help") or "")
            if not required and not isinstance(p, QgsProcessingParameterBoolean):
                p.setFlags(p.flags() | QgsProcessingParameterDefinition.FlagOptional)
            p.setHelp(opt.get("help") or "")
            self.addParameter(p)
            if is_output(opt):
                self.addOutput(QgsProcessingOutputFile(param_name(opt["name"]),
                                                       opt["name"]))

    def option_parameter(self, opt):
        name, kind, dflt = param_name(opt["name"]), opt["type"], opt.get("default")
        label = opt["name"] + (f" ({opt['metavar']})" if opt.get("metavar") else "")
        if kind == "flag":
            return QgsProcessingParameterBoolean(name, label, False)
        if is_output(opt):
            return QgsProcessingParameterFileDestination(name, label,
                                                         file_filter(opt.get("metavar")))
        if kind in ("integer", "number"):
            integer = kind == "integer"
            return QgsProcessingParameterNumber(
                name, label,
                QgsProcessingParameterNumber.Integer if integer
                else QgsProcessingParameterNumber.Double,
                number_default(dflt, integer))
        if opt["name"] in FILE_NAMES:
            return QgsProcessingParameterFile(name, label)
        if (opt.get("metavar") or "") == "DIR":
            return QgsProcessingParameterFile(name, label,
                                              QgsProcessingParameterFile.Folder)
        return QgsProcessingParameterString(name, label, dflt)

    # -- running ---------------------------------------------------------
    def command_line(self, parameters, context):
        args = [self.exe, *self.spec["command"].split()]
        for i, pos in enumerate(self.spec.get("positionals", [])):
            value = self.parameterAsString(parameters, f"ARG{i}", context)
            if pos.endswith("..."):
                args += [v.strip() for v in value.split(";") if v.strip()]
            elif value:
                args.append(value)
        self.outputs_written = []
        for opt in self.spec.get("options", []):
            if opt["name"] in SKIPPED:
                continue
            name = param_name(opt["name"])
            if name not in parameters or parameters[name] is None:
                continue
            if opt["type"] == "flag":
                if self.parameterAsBoolean(parameters, name, context):
                    args.append("--" + opt["name"])
                continue
            if is_output(opt):
                value = self.parameterAsFileOutput(parameters, name, context)
                if value:
                    self.outputs_written.append((name, value))
            elif opt["type"] in ("integer", "number"):
                number = (self.parameterAsInt if opt["type"] == "integer"
                          else self.parameterAsDouble)(parameters, name, context)
                value = str(number)
            else:
                value = self.parameterAsString(parameters, name, context)
            if value not in (None, ""):
                args += ["--" + opt["name"], value]
        return args

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        args = self.command_line(parameters, context)
        feedback.pushCommandInfo(" ".join(args))
        # stdout to a file, so a long table on stdout cannot block senda while
        # stderr (progress) is being read
        with tempfile.TemporaryFile() as out_file, \
                subprocess.Popen(args, stdout=out_file, stderr=subprocess.PIPE) as proc:
            err = self.follow(proc, feedback)
            rc = proc.wait()
            out_file.seek(0)
            out = out_file.read().decode("utf-8", "replace")
        if err.strip():
            feedback.pushInfo(err.decode("utf-8", "replace").strip())
        if out.strip():
            feedback.pushInfo(out.strip())
        if rc != 0:
            raise QgsProcessingException(f"senda {self.spec['command']} failed (exit {rc}); "
                                         "see the log above")
        results = {name: path for name, path in self.outputs_written}
        self.load_outputs(context)
        return results

    @staticmethod
    def follow(proc, feedback):
        """senda's stderr while it runs: progress to the bar, lines to the log.
        Returns what is left after the last full line."""
        err = b""
        while True:
            chunk = proc.stderr.read1(256)
            if not chunk:
                return err
            err += chunk
            done = PROGRESS.findall(chunk)
            if done:
                feedback.setProgress(int(done[-1]))
            while b"\n" in err:
                line, err = err.split(b"\n", 1)
                text = line.decode("utf-8", "replace")
                text = re.sub(r"^[0-9.]*\.\.\.[0-9. -]*(done\.)?", "", text).strip()
                if text:
                    feedback.pushInfo(text)
            if feedback.isCanceled():
                proc.terminate()
                proc.wait()
                raise QgsProcessingException("cancelled")

    def load_outputs(self, context):
        """A GeoPackage output's layers, loaded with the styles senda stored in it."""
        for _, path in self.outputs_written:
            if not path.lower().endswith(".gpkg") or not os.path.exists(path):
                continue
            db = sqlite3.connect(path)
            try:
                tables = db.execute("SELECT table_name, data_type FROM gpkg_contents WHERE "
                                    "data_type IN ('features', '2d-gridded-coverage')").fetchall()
                styles = dict(db.execute("SELECT f_table_name, styleQML FROM layer_styles "
                                         "WHERE useAsDefault").fetchall())
            except sqlite3.Error:
                tables, styles = [], {}
            finally:
                db.close()
            for table, kind in tables:
                if kind == "features":
                    layer = QgsVectorLayer(f"{path}|layername={table}", table, "ogr")
                else:
                    layer = QgsRasterLayer(f"GPKG:{path}:{table}", table, "gdal")
                    if layer.isValid() and table in styles:
                        from qgis.PyQt.QtXml import QDomDocument
                        doc = QDomDocument()
                        doc.setContent(styles[table])
                        layer.importNamedStyle(doc)
                if not layer.isValid():
                    continue
                context.temporaryLayerStore().addMapLayer(layer)
                context.addLayerToLoadOnCompletion(
                    layer.id(), QgsProcessingContext.LayerDetails(table, context.project(),
                                                                  table))
