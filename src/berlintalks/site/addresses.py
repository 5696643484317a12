"""Where each generated page is read from and served at, and the links between them."""

from __future__ import annotations


def doc_path(folder: str, slug: str) -> str:
    """The generated page of a record: ``claims/<id>/index.md``, served at ``/claims/<id>/``.

    Every generated page is the index of its own folder, so the folder it is read from and the
    folder it is served from are one: its links, written as MkDocs writes them (relative to
    where the page is served), mean the same to a builder that reads links in HTML as relative
    to the Markdown file (Zensical). It also keeps the id ``index`` apart from the list of all
    claims, ``claims/index.md``.
    """
    return f"{folder}/{slug}/index.md"


def same_address(path: str) -> tuple[str, ...]:
    """The docs paths served at the address of generated page ``path`` (``a/index.md``, ``a.md``).

    A hand-written page at any of them would take the generated page's address.
    """
    folder = path.removesuffix("/index.md")
    return (path,) if folder == path else (path, folder + ".md")


def page_url(path: str, directory_urls: bool) -> str:
    """The address of docs path ``path`` (``claims/x.md``, ``data/claims.json``) from the root."""
    if not path.endswith(".md"):
        return path
    stem = path[: -len(".md")]
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative_url(target: str, here: str) -> str:
    """The address of ``target`` (from the root) as a link on the page at ``here``, shortened
    as MkDocs shortens the links of Markdown pages (``../other/``, not ``../../claims/other/``)."""
    here_dir = here.rsplit("/", 1)[0].split("/") if "/" in here else []
    parts = target.split("/")
    n = 0
    while n < len(here_dir) and n < len(parts) - 1 and here_dir[n] == parts[n]:
        n += 1
    return "../" * (len(here_dir) - n) + "/".join(parts[n:]) or "./"
