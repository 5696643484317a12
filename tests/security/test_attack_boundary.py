"""Attacks on the filesystem boundary, each built the way a pull request would commit it.

Every attack gets a folder outside the knowledge base holding a secret. The secret must never
appear in what berlintalks prints, and the files outside must be exactly as they were.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from berlintalks.boundary import OutsideBoundary, inside, read_bytes, write_atomic
from berlintalks.records.load import MAX_FOLDER_DEPTH, record_files
from conftest import SOURCES, claim_yaml, commit_all, git, write_kb

SECRET = "TOPSECRET-hunter2"
TOKEN = "ghs_FAKETOKENabcdef0123456789"
TIMEOUT = 60
LINK = (
    "is a symbolic link; berlintalks follows no links in the repository: replace it with the "
    "file or folder itself"
)


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``berlintalks ARGS --root ROOT`` in a fresh interpreter, as CI runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "berlintalks.cli", *args, "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert "Traceback" not in done.stdout + done.stderr
    assert "internal error" not in done.stderr
    return done


def errors(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [ln for ln in done.stdout.splitlines() if ": error " in ln]


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the knowledge base, as a home directory would be: YAML with a secret."""
    folder = tmp_path / "outside"
    (folder / "deeper").mkdir(parents=True)
    (folder / "secret-id.yaml").write_text(
        f"id: secret-id\ntitle: {SECRET}\nstatus: {SECRET}\n", encoding="utf-8"
    )
    (folder / "deeper" / "more.yaml").write_text(f"id: more\nstatus: {SECRET}\n")
    (folder / "notes.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes, to prove nothing was written there."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "kb", {"talks": claim_yaml()}, SOURCES)


def as_link(path: Path, target: Path | str) -> None:
    """Replace ``path`` by a link, as `rm -r claims && ln -s / claims` and a commit would."""
    if path.is_dir() and not path.is_symlink():
        for p in sorted(path.rglob("*"), reverse=True):
            p.rmdir() if p.is_dir() else p.unlink()
        path.rmdir()
    elif path.exists():
        path.unlink()
    os.symlink(target, path)


# ---------------------------------------------------------------- 1. record folders as links


@pytest.mark.parametrize("folder", ["claims", "sources"])
def test_record_folder_that_is_a_link_is_reported_and_not_read(
    kb: Path, outside: Path, folder: str
) -> None:
    before = snapshot(outside)
    as_link(kb / folder, outside)
    done = run(kb, "check")
    assert done.returncode == 1
    assert f"{folder}:1:1: error BT009 {folder}/ is a symbolic link; berlintalks follows no " in (
        done.stdout
    )
    assert SECRET not in done.stdout + done.stderr
    assert "secret-id" not in done.stdout + done.stderr
    assert "more.yaml" not in done.stdout
    assert snapshot(outside) == before


def test_claims_linked_to_the_machine_root_reads_nothing(kb: Path) -> None:
    as_link(kb / "claims", "/")
    done = run(kb, "check")
    assert done.returncode == 1
    assert errors(done)[0] == (
        "claims:1:1: error BT009 claims/ is a symbolic link; berlintalks follows no links, so it "
        "reads none of the files behind it: replace the link with the folder itself"
    )
    # Each of the kb's own sources is still checked; nothing under / is listed.
    assert "/etc" not in done.stdout and "passwd" not in done.stdout
    assert len(done.stdout.splitlines()) < 10


def test_linked_subfolder_and_linked_file_are_reported_not_followed(
    kb: Path, outside: Path
) -> None:
    os.symlink(outside, kb / "claims" / "2025")
    os.symlink(outside / "secret-id.yaml", kb / "claims" / "secret-id.yaml")
    done = run(kb, "check")
    assert done.returncode == 1
    assert errors(done) == [
        "claims/2025:1:1: error BT009 this is a symbolic link; berlintalks follows no links in "
        "the repository: replace it with the file itself",
        "claims/secret-id.yaml:1:1: error BT009 this is a symbolic link; berlintalks follows no "
        "links in the repository: replace it with the file itself",
    ]
    assert SECRET not in done.stdout + done.stderr


def test_schema_ids_never_come_from_behind_a_link(kb: Path, outside: Path) -> None:
    as_link(kb / "claims", outside)
    done = run(kb, "schema", "claim")
    assert done.returncode == 0
    assert "secret-id" not in done.stdout
    assert SECRET not in done.stdout


def test_diff_against_a_working_tree_with_a_linked_folder(kb: Path, outside: Path) -> None:
    git(kb, "init", "-q", "-b", "main")
    commit_all(kb, "Add the first claim")
    as_link(kb / "claims", outside)
    done = run(kb, "diff", "HEAD")
    assert done.returncode == 0
    assert "1 claim removed" in done.stdout
    assert "secret-id" not in done.stdout
    assert SECRET not in done.stdout + done.stderr


def test_diff_working_tree_file_link_is_not_read(kb: Path, outside: Path) -> None:
    git(kb, "init", "-q", "-b", "main")
    commit_all(kb, "Add the first claim")
    (kb / "claims" / "talks.yaml").unlink()
    os.symlink(outside / "secret-id.yaml", kb / "claims" / "talks.yaml")
    done = run(kb, "diff", "HEAD")
    assert done.returncode == 0
    assert "1 claim removed" in done.stdout
    assert SECRET not in done.stdout + done.stderr


# ---------------------------------------------------------------- 3. writing through links


def test_new_refuses_a_schema_file_linked_outside(kb: Path, outside: Path) -> None:
    (kb / "schemas").mkdir()
    target = outside / "notes.txt"
    os.symlink(target, kb / "schemas" / "claim.schema.json")
    before = snapshot(outside)
    done = run(kb, "new", "claim", "fresh-claim")
    assert done.returncode == 2
    assert done.stderr == f"berlintalks: error: schemas/claim.schema.json {LINK}\n"
    assert snapshot(outside) == before
    assert not (kb / "claims" / "fresh-claim.yaml").exists()


def test_schema_write_refuses_a_link_and_leaves_its_target(kb: Path, outside: Path) -> None:
    (kb / "schemas").mkdir()
    os.symlink(outside / "notes.txt", kb / "schemas" / "source.schema.json")
    before = snapshot(outside)
    done = run(kb, "schema", "--write")
    assert done.returncode == 2
    assert done.stderr.endswith(f"berlintalks: error: schemas/source.schema.json {LINK}\n")
    assert len(done.stderr.splitlines()) <= 2  # at most `wrote schemas/claim...`, then the error
    assert snapshot(outside) == before
    assert (outside / "notes.txt").read_text() == f"{SECRET}\n"


def test_schema_write_refuses_a_linked_schemas_folder(kb: Path, outside: Path) -> None:
    os.symlink(outside, kb / "schemas")
    before = snapshot(outside)
    done = run(kb, "schema", "--write")
    assert done.returncode == 2
    assert done.stderr == f"berlintalks: error: schemas {LINK}\n"
    assert snapshot(outside) == before
    done = run(kb, "schema", "--check")
    assert done.returncode == 2
    assert done.stderr == f"berlintalks: error: schemas {LINK}\n"


def test_new_refuses_a_linked_record_folder(kb: Path, outside: Path) -> None:
    as_link(kb / "sources", outside)
    before = snapshot(outside)
    done = run(kb, "new", "source", "fresh-source")
    assert done.returncode == 2
    assert done.stderr == f"berlintalks: error: sources {LINK}\n"
    assert snapshot(outside) == before


def test_schema_write_replaces_atomically_and_leaves_no_temporary_file(kb: Path) -> None:
    (kb / "schemas").mkdir()
    (kb / "schemas" / "claim.schema.json").write_text("old\n")
    (kb / "schemas" / "claim.schema.json").chmod(0o640)
    done = run(kb, "schema", "--write")
    assert done.returncode == 0
    assert sorted(p.name for p in (kb / "schemas").iterdir()) == [
        "claim.schema.json",
        "publication.schema.json",
        "source.schema.json",
    ]
    assert (kb / "schemas" / "claim.schema.json").read_text().startswith("{\n")
    assert (kb / "schemas" / "claim.schema.json").stat().st_mode & 0o777 == 0o640


def test_write_atomic_never_follows_a_link_at_any_depth(tmp_path: Path, outside: Path) -> None:
    root = tmp_path / "repo"
    (root / "a").mkdir(parents=True)
    os.symlink(outside, root / "a" / "b")
    before = snapshot(outside)
    with pytest.raises(OutsideBoundary) as caught:
        write_atomic(root, "a/b/c/x.json", b"{}")
    assert str(caught.value) == f"a/b {LINK}"
    for rel in ("/etc/x", "../x", "a/../x", "a//x", "a\\x"):
        with pytest.raises(OutsideBoundary):
            write_atomic(root, rel, b"{}")
    with pytest.raises(OutsideBoundary):
        write_atomic(root, "a/b", b"{}", exclusive=True)
    (root / "a" / "taken.yaml").write_bytes(b"mine")
    with pytest.raises(FileExistsError):
        write_atomic(root, "a/taken.yaml", b"{}", exclusive=True)
    assert (root / "a" / "taken.yaml").read_bytes() == b"mine"
    assert snapshot(outside) == before
    assert write_atomic(root, "a/new/x.json", b"{}") == root / "a" / "new" / "x.json"
    assert (root / "a" / "new" / "x.json").read_bytes() == b"{}"


def test_read_bytes_refuses_links_and_non_files(tmp_path: Path, outside: Path) -> None:
    root = tmp_path / "repo"
    (root / "dir").mkdir(parents=True)
    os.symlink(outside / "notes.txt", root / "dir" / "f.txt")
    with pytest.raises(OutsideBoundary) as caught:
        read_bytes(root, "dir/f.txt", 100)
    assert caught.value.rel == "dir/f.txt"
    with pytest.raises(OutsideBoundary) as caught:
        read_bytes(root, "dir", 100)
    assert str(caught.value) == "dir is not a regular file"
    assert inside(root, "dir/missing/x") == root / "dir" / "missing" / "x"


# ---------------------------------------------------------------- 4. archives that are not archives

GIT_CONFIG = (
    "[core]\n\trepositoryformatversion = 0\n"
    '[http "https://github.com/"]\n'
    f"\textraheader = AUTHORIZATION: basic {TOKEN}\n"
)
# A quote that nearly matches the token line: the closest passage would print it.
NEAR_QUOTE = f"extraheader = AUTHORIZATION basic {TOKEN} please"


def archive_kb(root: Path, archive: str) -> Path:
    """The claim quotes Zelensky via AFP (quote on line 10, column 12); AFP names ``archive``."""
    claim = claim_yaml().replace("There was ample dialogue on territories.", NEAR_QUOTE)
    afp = textwrap.dedent(SOURCES["afp"]) + f"archive: {archive}\n"
    return write_kb(root, {"talks": claim}, {**SOURCES, "afp": afp})


@pytest.mark.parametrize(
    ("archive", "message"),
    [
        (
            ".git/config",
            "archive '.git/config' is not under archive/; snapshots are plain text "
            "files in that folder",
        ),
        (
            ".env",
            "archive '.env' is not under archive/; snapshots are plain text files in that folder",
        ),
        (
            "archive/.env",
            "archive 'archive/.env' passes through the hidden name '.env'; "
            "snapshots are never dotfiles or inside dot-folders",
        ),
        (
            "archive/.git/config",
            "archive 'archive/.git/config' passes through the hidden name "
            "'.git'; snapshots are never dotfiles or inside dot-folders",
        ),
        (
            "archive/../.git/config",
            "archive path 'archive/../.git/config' must be relative to the root and stay inside it",
        ),
        (
            "docs/threat-model.md",
            "archive 'docs/threat-model.md' is not under archive/; "
            "snapshots are plain text files in that folder",
        ),
    ],
)
def test_archive_outside_the_archive_folder_is_bt108_and_never_printed(
    tmp_path: Path, archive: str, message: str
) -> None:
    root = archive_kb(tmp_path / "kb", archive)
    for rel in (
        ".git/config",
        ".env",
        "archive/.env",
        "archive/.git/config",
        "docs/threat-model.md",
    ):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(GIT_CONFIG, encoding="utf-8")
    done = run(root, "check")
    assert done.returncode == 1
    assert errors(done) == [f"sources/afp.yaml:6:10: error BT108 {message}"]
    assert TOKEN not in done.stdout + done.stderr
    assert "closest passage" not in done.stdout


@pytest.mark.parametrize(
    ("linked", "where"),
    [("archive/afp.txt", ""), ("archive", " (archive)")],
    ids=["the file", "the archive folder"],
)
def test_archive_through_a_link_is_bt108_and_never_printed(
    tmp_path: Path, outside: Path, linked: str, where: str
) -> None:
    (outside / "afp.txt").write_text(GIT_CONFIG, encoding="utf-8")
    root = archive_kb(tmp_path / "kb", "archive/afp.txt")
    if linked == "archive":
        os.symlink(outside, root / "archive")
    else:
        (root / "archive").mkdir()
        os.symlink(outside / "afp.txt", root / "archive" / "afp.txt")
    done = run(root, "check")
    assert done.returncode == 1
    assert errors(done) == [
        f"sources/afp.yaml:6:10: error BT108 archive 'archive/afp.txt'{where} is a symbolic "
        "link; a snapshot is a plain text file under archive/"
    ]
    assert TOKEN not in done.stdout + done.stderr


def test_archive_under_archive_is_read_and_its_passage_shown(tmp_path: Path) -> None:
    # The twin: the same text as a real snapshot is read, and the near miss is shown.
    root = archive_kb(tmp_path / "kb", "archive/afp.txt")
    (root / "archive").mkdir()
    (root / "archive" / "afp.txt").write_text(GIT_CONFIG, encoding="utf-8")
    done = run(root, "check")
    assert done.returncode == 1
    [line] = errors(done)
    assert line.startswith(
        "claims/talks.yaml:10:12: error BT701 quote not found in the archive "
        "of 'afp' (archive/afp.txt); closest passage: "
    )
    assert TOKEN in line


def test_bt108_explanation_names_the_archive_folder() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "berlintalks.cli", "check", "--explain", "BT108"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0
    assert done.stdout.startswith(
        "BT108 (error, schema): An archive path that is not a plain file under archive/\n"
    )
    assert "`.git/config` holds a CI token" in done.stdout


# ---------------------------------------------------------------- 7. deep folders


def nest(top: Path, depth: int, name: str, body: str) -> None:
    """``depth`` folders ``a`` below ``top`` and a file at the bottom, made one level at a time:
    the whole path is longer than the system lets one call name."""
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(depth):
            os.mkdir("a", dir_fd=fd)
            inner = os.open("a", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
        out = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, body.encode())
        os.close(out)
    finally:
        os.close(fd)


def unnest(top: Path) -> None:
    """Remove what `nest` made, one level at a time: shutil.rmtree, which pytest uses to clear
    old temporary folders, recurses once per level and would fail on this tree later."""
    fds = [os.open(top, os.O_RDONLY | os.O_DIRECTORY)]
    while fds:
        names = os.listdir(fds[-1])
        if "a" in names:
            fds.append(os.open("a", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fds[-1]))
            continue
        if len(fds) > 1:  # the top folder keeps its other files
            for name in names:
                os.unlink(name, dir_fd=fds[-1])
        os.close(fds.pop())
        if fds:
            os.rmdir("a", dir_fd=fds[-1])


def test_1100_nested_folders_give_a_finding_not_a_recursion_error(kb: Path) -> None:
    nest(kb / "claims", 1100, "bottom.yaml", claim_yaml("bottom"))
    try:
        done = run(kb, "check")
    finally:
        unnest(kb / "claims")
    assert done.returncode == 1
    shown = "claims/" + "/".join(["a"] * (MAX_FOLDER_DEPTH + 1))
    assert errors(done) == [
        f"{shown}:1:1: error BT008 folders nest more than {MAX_FOLDER_DEPTH} deep here; keep "
        f"records at most {MAX_FOLDER_DEPTH} folders below claims/"
    ]
    assert "bottom" not in done.stdout
    assert sorted(p.name for p in (kb / "claims").iterdir()) == ["talks.yaml"]


def test_records_at_the_deepest_allowed_folder_are_read(kb: Path) -> None:
    deep = kb / "claims" / Path(*["a"] * MAX_FOLDER_DEPTH)
    deep.mkdir(parents=True)
    (deep / "bottom.yaml").write_text(claim_yaml("bottom"), encoding="utf-8")
    found = [(p.name, f) for p, f in record_files(kb, "claims")]
    assert found == [("bottom.yaml", None), ("talks.yaml", None)]


# ---------------------------------------------------------------- 9. names Windows cannot check out


def test_every_entry_that_is_no_record_file_is_bt008(kb: Path) -> None:
    claims = kb / "claims"
    for name in ("x.yaml.", "x.yaml ", "con", "aux.txt", "nul.yaml.bak", "notes.txt", "x.yml"):
        (claims / name).write_text(claim_yaml("x"), encoding="utf-8")
    (claims / "Drafts").mkdir()
    (claims / "Drafts" / "ok.yaml").write_text(claim_yaml("ok"), encoding="utf-8")
    (claims / "2025").mkdir()
    (claims / "2025" / "lpt1.md").write_text("x\n", encoding="utf-8")
    (claims / ".hidden").mkdir()
    (claims / ".talks.yaml.swp").write_text("vim swap\n", encoding="utf-8")  # an open editor
    done = run(kb, "check")
    assert done.returncode == 1
    assert errors(done) == [
        "claims/.hidden:1:1: error BT008 folder name '.hidden' is not allowed here: use lowercase "
        "letters, digits and single hyphens, and no name Windows reserves for a device (its "
        "files are not read)",
        "claims/2025/lpt1.md:1:1: error BT008 'lpt1.md' is not a record file: 'lpt1' is a device "
        "name on Windows, where no file can be called so: rename it",
        "claims/Drafts:1:1: error BT008 folder name 'Drafts' is not allowed here: use lowercase "
        "letters, digits and single hyphens, and no name Windows reserves for a device (its "
        "files are not read)",
        "claims/aux.txt:1:1: error BT008 'aux.txt' is not a record file: 'aux' is a device name "
        "on Windows, where no file can be called so: rename it",
        "claims/con:1:1: error BT008 'con' is not a record file: 'con' is a device name on "
        "Windows, where no file can be called so: rename it",
        "claims/notes.txt:1:1: error BT008 'notes.txt' is not a record file: records are named "
        "<id>.yaml; rename it, or move it out of claims/",
        "claims/nul.yaml.bak:1:1: error BT008 'nul.yaml.bak' is not a record file: 'nul' is a "
        "device name on Windows, where no file can be called so: rename it",
        "claims/x.yaml :1:1: error BT008 'x.yaml ' is not a record file: it ends in a space, "
        "which Windows drops from file names: rename it to x.yaml",
        "claims/x.yaml.:1:1: error BT008 'x.yaml.' is not a record file: it ends in a dot, which "
        "Windows drops from file names: rename it to x.yaml",
        "claims/x.yml:1:1: error BT008 record files end in .yaml: rename it to x.yaml",
    ]


def test_records_folder_that_is_a_file(kb: Path) -> None:
    as_link(kb / "claims", kb / "missing")  # removes the folder
    (kb / "claims").unlink()
    (kb / "claims").write_text(f"{SECRET}\n", encoding="utf-8")
    done = run(kb, "check")
    assert done.returncode == 1
    assert errors(done) == ["claims:1:1: error BT008 claims must be a folder of record files"]
    assert SECRET not in done.stdout


# ---------------------------------------------------------------- 8. diff reads no large blob


def test_diff_checks_a_blob_size_before_reading_it(kb: Path) -> None:
    git(kb, "init", "-q", "-b", "main")
    first = commit_all(kb, "Add the first claim")
    size = 100 * 1024 * 1024
    with (kb / "claims" / "huge.yaml").open("wb") as f:
        f.truncate(size)  # zeros: git stores them in a few hundred kilobytes
    commit_all(kb, "Add a huge file")
    (kb / "claims" / "huge.yaml").unlink()
    # The peak of this process alone: ru_maxrss survives exec, so on Linux it would also
    # count the pytest process the probe was forked from, which grows as the suite runs.
    probe = (
        "import resource, sys\n"
        "from berlintalks.cli import main\n"
        f"code = main(['diff', {first!r}, 'HEAD', '--root', {str(kb)!r}])\n"
        "sys.stdout.flush()\n"
        "try:\n"
        "    status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
        "except (OSError, IndexError):\n"
        "    status = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print('MAXRSS', status, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.returncode == 0, done.stderr
    assert "- `huge` (`claims/huge.yaml` is unreadable: larger than 1,048,576 bytes)" in done.stdout
    maxrss_kib = int(done.stderr.split("MAXRSS ")[1].split()[0])
    assert maxrss_kib < 150 * 1024, f"diff used {maxrss_kib} KiB: it read the blob"
