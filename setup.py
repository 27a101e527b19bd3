"""Package map: the folders at the top of the repository are installed as sub-packages of ``moien``.

Why a setup.py beside pyproject.toml: setuptools' automatic discovery returns folder names (``assistants``,
``heritage``…), and a static list in pyproject.toml would silently miss every sub-package added later. Here the
list is discovered and renamed once; everything else (metadata, dependencies, entry points) is in pyproject.toml.
"""

from setuptools import find_packages, setup

#: Top-level folder -> import name. ``moien/`` itself holds the namespace root and the shared vocabulary.
FOLDERS = ("assistants", "curriculum_graph", "heritage", "documents", "connectors", "ui")

packages = ["moien"] + [f"moien.{name}" for name in find_packages(include=[f"{f}*" for f in FOLDERS])]
package_dir = {"moien": "moien", **{f"moien.{f}": f for f in FOLDERS}}

setup(packages=packages, package_dir=package_dir)
