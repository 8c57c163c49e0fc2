"""Offline JavaScript and CSS for the web UI, fetched once at install time.

Solara's page loads its JavaScript through the server's ``/_solara/cdn/``
proxy, which downloads from a public CDN when a browser first asks. A
classroom often has no internet, so the page would stay blank. The proxy
first looks in its cache folder (``$VIRTUAL_ENV/share/solara/cdn/``, one
sub-folder ``<name>@<version>/`` per npm package), so installing the project
fills that folder with ``npm pack`` of every package the pages ask for.

Which packages? Not a hand-kept list: the references are read from the
installed solara itself (its page template, the Vue code of the widgets the
UI uses, and the font setting), so upgrading solara changes the fetched
versions by construction. If solara stops writing references the way this
module reads them, :func:`required_packages` fails loudly rather than fetch
nothing.

Run ``python -m simulation.ui.assets`` (``make install`` does) to fetch what
is missing; ``--check`` only reports, with exit status 1 when something is
missing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: Files of the solara package (relative to it) whose CDN references the UI's
#: pages need: the page template (the Vuetify app bundle and RequireJS), the
#: Echarts widget (every chart) and the Markdown widget (text pages; it loads
#: KaTeX and Mermaid when it mounts).
CDN_SOURCES = (
    "server/templates/solara.html.j2",
    "components/echarts.vue",
    "components/markdown.py",
)

#: Written last into a package folder: a folder without it is a broken fetch.
COMPLETE_MARK = ".complete.json"

# "{{cdn}}/@scope/name@1.2.3/..." in templates, "${this.getCdn()}/name@${version}/..." in Vue.
_REFERENCE = re.compile(
    r"(?:\{\{\s*cdn\s*\}\}|getCdn\(\)\})/((?:@[\w.-]+/)?[\w.-]+)@(\$\{version\}|[\w.-]+)/")
_VERSION_CONSTANT = re.compile(r"""const\s+version\s*=\s*["']([\w.-]+)["']""")
_PATH_REFERENCE = re.compile(r"^/?((?:@[\w.-]+/)?[\w.-]+)@([\w.-]+)/")


class AssetError(RuntimeError):
    """The offline assets cannot be determined or fetched; the message says why."""


@dataclass(frozen=True, order=True)
class Package:
    """One npm package as the CDN proxy names it.

    Attributes:
        name: npm name, scope included (``@widgetti/solara-vuetify-app``).
        version: Version as written in the URL (exact, or a range like ``5``).
    """

    name: str
    version: str

    @property
    def spec(self) -> str:
        """``name@version``: the npm spec, and the proxy's folder name."""
        return f"{self.name}@{self.version}"


def solara_root() -> Path:
    """Folder of the installed solara package."""
    try:
        import solara
    except ModuleNotFoundError as error:
        raise AssetError("solara is not installed: pip install -e '.[ui]'") from error
    return Path(solara.__file__).parent


def cache_dir() -> Path:
    """Folder the CDN proxy reads first (``$VIRTUAL_ENV/share/solara/cdn`` by default)."""
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def references_in(text: str) -> set[Package]:
    """CDN package references in one source file's text.

    ``${version}`` (the Echarts widget keeps its version in a constant) is
    replaced by the file's ``const version = "..."``.
    """
    constant = _VERSION_CONSTANT.search(text)
    found = set()
    for name, version in _REFERENCE.findall(text):
        if version == "${version}":
            if constant is None:
                raise AssetError(f"{name}: the version is a variable with no constant in sight")
            version = constant.group(1)
        found.add(Package(name, version))
    return found


def required_packages(root: Path | None = None) -> list[Package]:
    """Every npm package the UI's pages ask the CDN proxy for, for this solara.

    Raises:
        AssetError: when a source file is missing or holds no reference, which
            means solara changed the way it loads its assets.
    """
    root = solara_root() if root is None else root
    packages: set[Package] = set()
    for relative in CDN_SOURCES:
        path = root / relative
        if not path.is_file():
            raise AssetError(f"{path}: missing; this solara version loads its assets "
                             "differently: update simulation/ui/assets.py")
        found = references_in(path.read_text(encoding="utf-8"))
        if not found:
            raise AssetError(f"{path}: no CDN reference found; update simulation/ui/assets.py")
        packages |= found
    from solara.server import settings

    if settings.assets.fontawesome_enabled:
        match = _PATH_REFERENCE.match(settings.assets.fontawesome_path)
        if match is None:
            raise AssetError(f"fontawesome_path: got {settings.assets.fontawesome_path!r}; "
                             "allowed: /<name>@<version>/<file>")
        packages.add(Package(*match.groups()))
    return sorted(packages)


def missing(packages: list[Package], cache: Path) -> list[Package]:
    """The packages whose folder in ``cache`` is absent or incomplete."""
    return [p for p in packages if not (cache / p.spec / COMPLETE_MARK).is_file()]


def fetch(package: Package, cache: Path, npm: str = "npm") -> Path:
    """Download one package with ``npm pack`` and unpack it as the proxy expects.

    The package is unpacked in a temporary folder next to its final place and
    moved there in one rename, with the completion mark inside: an
    interrupted fetch leaves no half-filled folder that would pass for done.

    Returns:
        The package's folder.

    Raises:
        AssetError: when npm fails (no network, unknown version).
    """
    target = cache / package.spec
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".fetch-") as tmp:
        work = Path(tmp)
        result = subprocess.run(
            [npm, "pack", package.spec, "--json", "--pack-destination", str(work)],
            capture_output=True, text=True, cwd=work, check=False)
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["no message"])[-1]
            raise AssetError(f"npm pack {package.spec} failed: {last}")
        info = json.loads(result.stdout)[0]
        unpacked = work / "unpacked"
        with tarfile.open(work / info["filename"]) as archive:
            archive.extractall(unpacked, filter="data")
        tops = list(unpacked.iterdir())
        if len(tops) != 1 or not tops[0].is_dir():
            raise AssetError(f"npm pack {package.spec}: expected one folder in the archive")
        content = tops[0]
        (content / COMPLETE_MARK).write_text(
            json.dumps({"spec": package.spec, "resolved": info["version"],
                        "integrity": info.get("integrity")}) + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)  # an incomplete earlier fetch
        os.replace(content, target)
    return target


def ensure(cache: Path | None = None, *, log=print) -> list[Package]:
    """Fetch every required package not yet in the cache; return the ones fetched.

    Idempotent: a second call fetches nothing.
    """
    cache = cache_dir() if cache is None else cache
    todo = missing(required_packages(), cache)
    if todo:
        npm = shutil.which("npm")
        if npm is None:
            raise AssetError("npm not found: install Node.js (apt-get install npm) to fetch "
                             f"{', '.join(p.spec for p in todo)}")
        for package in todo:
            log(f"fetching {package.spec} into {cache}")
            fetch(package, cache, npm)
    return todo


def main(argv: list[str] | None = None) -> int:
    """Command line: fetch the missing assets, or only check with ``--check``."""
    parser = argparse.ArgumentParser(prog="python -m simulation.ui.assets",
                                     description="Fetch the web UI's JavaScript for offline use.")
    parser.add_argument("--check", action="store_true",
                        help="Only report missing packages (exit status 1 if any).")
    args = parser.parse_args(argv)
    try:
        if args.check:
            absent = missing(required_packages(), cache_dir())
            for package in absent:
                print(f"missing: {package.spec}", file=sys.stderr)
            return 1 if absent else 0
        fetched = ensure()
    except AssetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"offline assets ready in {cache_dir()} ({len(fetched)} fetched)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
