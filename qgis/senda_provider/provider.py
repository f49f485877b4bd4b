"""The senda Processing provider: one algorithm per senda command.

The algorithms are built at load time from `senda COMMAND --help --json`
(the same option table the command line parses), so names, defaults and
help text never drift from the CLI. The senda program is the one named by
the SENDA_EXE environment variable, else `senda` on PATH.
"""
import json
import os
import shutil
import subprocess

from qgis.core import QgsMessageLog, Qgis, QgsProcessingProvider

from .algorithm import SendaAlgorithm

# The commands offered in the toolbox, in the order of the pipeline.
COMMANDS = [
    "run", "incidents import", "hotspot", "danger", "route", "cost", "site",
    "publish", "render", "report",
]


def senda_exe():
    exe = os.environ.get("SENDA_EXE")
    if exe:
        return exe
    return shutil.which("senda")


def command_spec(exe, command):
    """The option table of one command, or None when senda cannot give it."""
    try:
        out = subprocess.run([exe, *command.split(), "--help", "--json"],
                             capture_output=True, text=True, timeout=30, check=False)
    except OSError as e:
        QgsMessageLog.logMessage(f"cannot run {exe}: {e}", "senda", Qgis.Warning)
        return None
    if out.returncode != 0:
        return None
    try:
        return json.loads(out.stdout)
    except ValueError:
        QgsMessageLog.logMessage(f"{exe} {command} --help --json: not JSON", "senda",
                                 Qgis.Warning)
        return None


class SendaProvider(QgsProcessingProvider):
    def id(self):
        return "senda"

    def name(self):
        return "senda"

    def longName(self):  # noqa: N802
        return "senda route-risk analysis"

    def loadAlgorithms(self):  # noqa: N802
        exe = senda_exe()
        if not exe:
            QgsMessageLog.logMessage(
                "senda program not found: put it on PATH or set SENDA_EXE", "senda",
                Qgis.Warning)
            return
        for command in COMMANDS:
            spec = command_spec(exe, command)
            if spec:
                self.addAlgorithm(SendaAlgorithm(exe, spec))
