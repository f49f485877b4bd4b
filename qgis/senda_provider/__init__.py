"""senda in the QGIS Processing toolbox: the plugin entry point.

QGIS (and qgis_process, for an enabled plugin) calls classFactory(); the
plugin adds the senda Processing provider in initProcessing(), which
qgis_process calls without a GUI.
"""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import SendaPlugin
    return SendaPlugin(iface)
