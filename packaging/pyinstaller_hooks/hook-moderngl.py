"""PyInstaller hook for moderngl: the context backends are imported by name at run time
(``glcontext.egl``, ``glcontext.x11``, ``glcontext.wgl``, ``glcontext.darwin``), so static
analysis cannot see them. The system's libEGL / libGL (Mesa or the vendor's driver) are not
bundled: they must match the machine's graphics driver."""

from PyInstaller.utils.hooks import collect_submodules

hiddenimports = collect_submodules("glcontext")
