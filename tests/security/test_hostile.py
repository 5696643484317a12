"""Hostile and broken record files: `berlintalks check`, run as a user runs it, answers each one."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from berlintalks.records import Claim
from berlintalks.records.load import load_file
from berlintalks.records.yaml import MAX_DEPTH, MAX_FILE_BYTES
from conftest import SOURCES, claim_yaml, write_kb

# Generous: every case answers in well under a second; this only stops a hang.
TIMEOUT = 60


def check(root: Path) -> subprocess.CompletedProcess[str]:
    """``berlintalks check --root ROOT`` in a fresh interpreter, as CI runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "berlintalks.cli", "check", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert "Traceback" not in done.stdout + done.stderr
    assert "internal error" not in done.stderr
    return done


def kb(tmp_path: Path, claims: dict[str, str | bytes]) -> Path:
    return write_kb(tmp_path / "kb", claims, SOURCES)


def first_error(done: subprocess.CompletedProcess[str]) -> str:
    errors = [ln for ln in done.stdout.splitlines() if ": error " in ln]
    assert errors, done.stdout + done.stderr
    return errors[0]


BOMB = "\n".join(
    [f"a0: &a0 [{', '.join(['lol'] * 10)}]"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
)

# (stem or file name, file body, expected exit, expected start of the first error line)
CASES: dict[str, tuple[str, str | bytes, int, str]] = {
    "alias bomb": ("talks", BOMB, 1, "claims/talks.yaml:5:50: error BT007 the file expands"),
    "not UTF-8": (
        "talks",
        claim_yaml().encode().replace(b"Berlin.", b"Berl\xffin."),
        1,
        "claims/talks.yaml:3:35: error BT002 byte 0xff is not UTF-8",
    ),
    "UTF-16": (
        "talks",
        claim_yaml().encode("utf-16"),
        1,
        "claims/talks.yaml:1:1: error BT002 the file is UTF-16 text",
    ),
    "empty": ("talks", "", 1, "claims/talks.yaml:1:1: error BT003"),
    "only whitespace": ("talks", "  \n\n", 1, "claims/talks.yaml:1:1: error BT003"),
    "only a comment": ("talks", "# nothing yet\n", 1, "claims/talks.yaml:1:1: error BT003"),
    "top-level list": (
        "talks",
        "- id: talks\n- title: x\n",
        1,
        "claims/talks.yaml:1:1: error BT004 the file must hold one mapping of keys (a claim), "
        "not a list",
    ),
    "top-level scalar": (
        "talks",
        "just some words\n",
        1,
        "claims/talks.yaml:1:1: error BT004 the file must hold one mapping of keys (a claim), "
        "not text",
    ),
    "two documents": (
        "talks",
        claim_yaml() + "---\nid: x\n",
        1,
        "claims/talks.yaml:13:1: error BT004",
    ),
    "20,000 flow levels": (
        "talks",
        "id: " + "[" * 20_000 + "]" * 20_000 + "\n",
        1,
        # libyaml's own guard stops at 1,000 flow levels, before ours at 64: same code.
        "claims/talks.yaml:1:1004: error BT007 values nest more than 64 levels deep",
    ),
    "20,000 block levels": (
        "talks",
        "id:\n" + "- " * 20_000 + "x\n",
        1,
        f"claims/talks.yaml:2:{2 * MAX_DEPTH - 1}: error BT007 values nest more than 64 levels",
    ),
    "20,000 nested mappings": (
        "talks",
        "a: {" * 20_000 + "}" * 20_000 + "\n",
        1,
        f"claims/talks.yaml:1:{4 * MAX_DEPTH}: error BT007 values nest more than 64 levels",
    ),
    "100,000 plain values": (
        "talks",
        claim_yaml(topics="topics: [" + ", ".join(["x"] * 100_000) + "]"),
        1,
        "claims/talks.yaml:6:299971: error BT007 the file holds more than 100,000 values; a "
        "record needs far fewer",
    ),
    "6 MB value": (
        "talks",
        claim_yaml(statement="statement: " + "a" * (6 * 1024 * 1024)),
        1,
        "claims/talks.yaml:1:1: error BT007 the file is 6,291,773 bytes; records may be at most "
        "1,048,576",
    ),
    "a line just under the size limit": (
        "talks",
        claim_yaml(statement="statement: " + "a" * (MAX_FILE_BYTES - 400)),
        0,
        "",
    ),
    "../../x as id": (
        "talks",
        claim_yaml(id="id: ../../x"),
        1,
        "claims/talks.yaml:1:5: error BT106 '../../x' is not a valid id for 'id'",
    ),
    "../../x as reference": (
        "talks",
        claim_yaml() + "relations:\n  - type: supports\n    claim: ../../x\n",
        1,
        "claims/talks.yaml:15:12: error BT106 '../../x' is not a valid id for 'claim'",
    ),
    "../../x as source reference": (
        "talks",
        claim_yaml().replace("source: zelensky", "source: ../../x"),
        1,
        "claims/talks.yaml:8:13: error BT106 '../../x' is not a valid id for 'source'",
    ),
    r"..\..\x as file name": (
        r"..\..\x",
        claim_yaml(),
        1,
        r"claims/..\..\x.yaml:1:1: error BT008 '..\..\x.yaml' is not a valid record file name",
    ),
    "id: con": (
        "talks",
        claim_yaml(id="id: con"),
        1,
        "claims/talks.yaml:1:5: error BT106 'con' is not a valid id for 'id': 'con' is a device "
        "name on Windows",
    ),
    "topic aux": (
        "talks",
        claim_yaml(topics="topics: [aux]"),
        1,
        "claims/talks.yaml:6:10: error BT106 'aux' is not a valid id for 'topics[0]': 'aux' is a "
        "device name on Windows",
    ),
    "reference com1": (
        "talks",
        claim_yaml() + "relations:\n  - type: supports\n    claim: com1\n",
        1,
        "claims/talks.yaml:15:12: error BT106 'com1' is not a valid id for 'claim': 'com1' is a "
        "device name on Windows",
    ),
    "tabs for indentation": (
        "talks",
        claim_yaml().replace("  - source", "\t- source"),
        1,
        "claims/talks.yaml:8:1: error BT001 YAML syntax error: while scanning for the next token: "
        "found character that cannot start any token (a tab: indent with spaces, not tabs)",
    ),
    "unclosed quote": (
        "talks",
        claim_yaml(title='title: "unclosed'),
        1,
        "claims/talks.yaml:10:13: error BT001 YAML syntax error: while parsing a block mapping: "
        "did not find expected key",
    ),
    "colon in a plain value": (
        "talks",
        claim_yaml(title="title: Talks: day one: Berlin"),
        1,
        "claims/talks.yaml:2:13: error BT001 YAML syntax error: mapping values are not allowed "
        "in this context",
    ),
    "status: no": (
        "talks",
        claim_yaml(status="status: no"),
        1,
        "claims/talks.yaml:4:9: error BT103 'status' must be one of confirmed, reported, disputed, "
        "denied, unverified, not the boolean false; YAML reads unquoted yes/no/on/off/true/false "
        "as a boolean",
    ),
    "NUL byte": (
        "talks",
        claim_yaml(title="title: Talks\x00 in Berlin"),
        1,
        "claims/talks.yaml:2:13: error BT001 character U+0000 is a control character, not "
        "allowed in YAML; delete it",
    ),
    "escape character": (
        "talks",
        claim_yaml(statement="statement: Delegations \x1b[31mmet\x1b[0m."),
        1,
        "claims/talks.yaml:3:24: error BT001 character U+001B is a control character, not "
        "allowed in YAML; delete it",
    ),
    "key hidden after a line separator in a comment": (
        "talks",
        claim_yaml(status="# status is set below\u2028status: confirmed"),
        1,
        "claims/talks.yaml:4:22: error BT001 character U+2028 is a line break to YAML but not to "
        "editors; replace it with a newline or a space",
    ),
    "NEL line break": (
        "talks",
        claim_yaml(title="title: Talks\x85in Berlin"),
        1,
        "claims/talks.yaml:2:13: error BT001 character U+0085 is a line break to YAML but not to "
        "editors",
    ),
    "bidirectional override": (
        "talks",
        claim_yaml(title="title: Talks \u202edenifnoc\u202c in Berlin"),
        1,
        "claims/talks.yaml:2:14: error BT001 character U+202E is a bidirectional control that "
        "changes how the line is displayed; delete it",
    ),
    "key that is a list": (
        "talks",
        claim_yaml() + "? [a, b]\n: x\n",
        1,
        "claims/talks.yaml:13:3: error BT001 mapping keys must be plain words",
    ),
    "key that is a number": (
        "talks",
        claim_yaml() + "1: x\n",
        1,
        "claims/talks.yaml:13:1: error BT102 unknown key '1' in a claim",
    ),
    "duplicate key": (
        "talks",
        claim_yaml() + "status: denied\n",
        1,
        "claims/talks.yaml:13:1: error BT005 key 'status' appears twice in this mapping (first at "
        "line 4)",
    ),
    "unknown alias": (
        "talks",
        claim_yaml(title="title: *nowhere"),
        1,
        "claims/talks.yaml:2:8: error BT001 unknown alias",
    ),
    "very long line": (
        "talks",
        claim_yaml(statement="statement: " + "word " * 180_000),
        0,
        "",
    ),
    "UTF-8 BOM and CRLF": (
        "talks",
        ("\ufeff" + claim_yaml()).replace("\n", "\r\n").encode(),
        0,
        "",
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_hostile_file_gets_a_finding(tmp_path: Path, case: str) -> None:
    name, body, code, expected = CASES[case]
    done = check(kb(tmp_path, {name: body}))
    assert done.returncode == code, done.stdout + done.stderr
    if code == 0:
        assert done.stdout == ""
        assert "0 errors, 0 warnings in 4 files" in done.stderr
    else:
        assert first_error(done).startswith(expected), first_error(done)


def test_python_tag_is_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payloads = {
        "apply": f'title: !!python/object/apply:os.system ["touch {marker}"]',
        "new": f'title: !!python/object/new:subprocess.Popen [["touch", "{marker}"]]',
        "name": "title: !!python/name:os.system",
    }
    for stem, line in payloads.items():
        root = kb(tmp_path / stem, {"talks": claim_yaml(title=line)})
        done = check(root)
        assert done.returncode == 1
        assert first_error(done).startswith(
            "claims/talks.yaml:2:8: error BT006 tag 'tag:yaml.org,2002:python/"
        ), first_error(done)
    assert not marker.exists()


def test_tag_on_a_mapping_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    body = claim_yaml() + f"extra: !!python/object/apply:os.system {{args: ['touch {marker}']}}\n"
    done = check(kb(tmp_path, {"talks": body}))
    assert done.returncode == 1
    assert first_error(done).startswith(
        "claims/talks.yaml:13:8: error BT006 tag 'tag:yaml.org,2002:python/object/apply:os.system'"
    )
    assert not marker.exists()


@pytest.mark.parametrize("device", ["con", "nul", "aux", "com1", "lpt9", "prn"])
def test_windows_device_file_name(tmp_path: Path, device: str) -> None:
    done = check(kb(tmp_path, {"talks": claim_yaml(), device: claim_yaml(device)}))
    assert done.returncode == 1
    assert first_error(done) == (
        f"claims/{device}.yaml:1:1: error BT008 '{device}.yaml' is not a valid record file name: "
        f"'{device}' is a device name on Windows, where no file can be called {device}.yaml; "
        "choose a longer id"
    )


def test_device_name_inside_a_longer_id_is_fine(tmp_path: Path) -> None:
    done = check(kb(tmp_path, {"con-talks": claim_yaml("con-talks")}))
    assert done.returncode == 0, done.stdout


def test_symlink_outside_the_knowledge_base(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("id: secret\npassword: hunter2\n", encoding="utf-8")
    root = kb(tmp_path, {"talks": claim_yaml()})
    os.symlink(secret, root / "claims" / "leak.yaml")
    os.symlink(tmp_path, root / "sources" / "outside")
    done = check(root)
    assert done.returncode == 1
    lines = [ln for ln in done.stdout.splitlines() if ": error " in ln]
    assert lines == [
        "claims/leak.yaml:1:1: error BT009 this is a symbolic link; berlintalks follows no "
        "links in the repository: replace it with the file itself",
        "sources/outside:1:1: error BT009 this is a symbolic link; berlintalks follows no "
        "links in the repository: replace it with the file itself",
    ]
    assert "hunter2" not in done.stdout + done.stderr


def test_symlink_inside_the_knowledge_base_is_refused_too(tmp_path: Path) -> None:
    # A link is refused wherever it points: the same commit can point it elsewhere, and a
    # Windows checkout would not have it at all.
    root = kb(tmp_path, {"talks": claim_yaml()})
    (root / "drafts").mkdir()
    (root / "drafts" / "linked.yaml").write_text(claim_yaml("linked"), encoding="utf-8")
    os.symlink(root / "drafts" / "linked.yaml", root / "claims" / "linked.yaml")
    done = check(root)
    assert done.returncode == 1
    assert [ln for ln in done.stdout.splitlines() if ": error " in ln] == [
        "claims/linked.yaml:1:1: error BT009 this is a symbolic link; berlintalks follows no "
        "links in the repository: replace it with the file itself",
    ]


def test_symlink_loop_and_dangling_link(tmp_path: Path) -> None:
    root = kb(tmp_path, {"talks": claim_yaml()})
    os.symlink("b.yaml", root / "claims" / "a.yaml")
    os.symlink("a.yaml", root / "claims" / "b.yaml")
    os.symlink("gone.yaml", root / "claims" / "gone-away.yaml")
    done = check(root)
    assert done.returncode == 1
    link = (
        ":1:1: error BT009 this is a symbolic link; berlintalks follows no links in the "
        "repository: replace it with the file itself"
    )
    assert [ln for ln in done.stdout.splitlines() if ": error " in ln] == [
        f"claims/a.yaml{link}",
        f"claims/b.yaml{link}",
        f"claims/gone-away.yaml{link}",
    ]


def test_folder_named_like_a_record(tmp_path: Path) -> None:
    root = kb(tmp_path, {"talks": claim_yaml()})
    (root / "claims" / "folder.yaml").mkdir()
    (root / "claims" / "folder.yaml" / "inner.yaml").write_text(claim_yaml("inner"))
    done = check(root)
    assert done.returncode == 1
    assert first_error(done) == (
        "claims/folder.yaml:1:1: error BT008 this is a folder named like a record file; a record "
        "is a file"
    )
    assert "inner" not in done.stdout


def test_fifo_named_like_a_record_does_not_hang(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    root = kb(tmp_path, {"talks": claim_yaml()})
    os.mkfifo(root / "claims" / "pipe.yaml")
    done = check(root)
    assert done.returncode == 1
    assert first_error(done) == (
        "claims/pipe.yaml:1:1: error BT009 this is not a regular file; a record is a plain "
        "text file"
    )


def test_undecodable_and_control_characters_in_file_names(tmp_path: Path) -> None:
    root = kb(tmp_path, {"talks": claim_yaml()})
    (root / "claims" / os.fsdecode(b"caf\xe9.yaml")).write_text(claim_yaml("cafe"))
    (root / "claims" / "evil\nname.yaml").write_text(claim_yaml("evil"))
    done = check(root)
    assert done.returncode == 1
    assert [ln for ln in done.stdout.splitlines() if ": error " in ln] == [
        r"claims/caf\xe9.yaml:1:1: error BT008 'caf\xe9.yaml' is not a valid record file name: "
        "use lowercase letters, digits and single hyphens (at most 80 characters)",
        r"claims/evil\nname.yaml:1:1: error BT008 'evil\nname.yaml' is not a valid record file "
        "name: use lowercase letters, digits and single hyphens (at most 80 characters)",
    ]


def test_unreadable_file(tmp_path: Path) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root from reading")
    root = kb(tmp_path, {"talks": claim_yaml()})
    (root / "claims" / "talks.yaml").chmod(0)
    try:
        done = check(root)
    finally:
        (root / "claims" / "talks.yaml").chmod(0o644)
    assert done.returncode == 1
    assert first_error(done) == (
        "claims/talks.yaml:1:1: error BT009 cannot read the file: Permission denied"
    )


def test_file_that_disappears_before_it_is_read(tmp_path: Path) -> None:
    # The walk saw the file; by the time it is opened it is gone (an editor saving, a checkout).
    root = kb(tmp_path, {"talks": claim_yaml()})
    path = root / "claims" / "talks.yaml"
    path.unlink()
    loaded = load_file(root, path, Claim)
    assert loaded.record is None
    assert [(f.file, f.line, f.code, f.message) for f in loaded.findings] == [
        ("claims/talks.yaml", 1, "BT009", "cannot read the file: No such file or directory")
    ]


def test_file_that_grows_past_the_limit_is_read_no_further(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Simulates a file that grows between the size check and the read: the read is bounded.
    root = kb(tmp_path, {"talks": claim_yaml(statement="statement: " + "a" * (2 * MAX_FILE_BYTES))})
    real_fstat = os.fstat

    class Small:
        def __init__(self, st: os.stat_result) -> None:
            self.st_mode, self.st_size = st.st_mode, 10

    monkeypatch.setattr(os, "fstat", lambda fd: Small(real_fstat(fd)))
    loaded = load_file(root, root / "claims" / "talks.yaml", Claim)
    assert [(f.code, f.message) for f in loaded.findings] == [
        ("BT007", f"the file is over {MAX_FILE_BYTES:,} bytes; records may be at most that")
    ]


def _many_aliases(n: int) -> str:
    return "a: &a x\nb: [" + ", ".join(["*a"] * n) + "]\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (_many_aliases(99_990), None),
        (_many_aliases(100_000), "BT007"),
    ],
    ids=["under the expansion limit", "over the expansion limit"],
)
def test_alias_expansion_limit_is_exact(
    tmp_path: Path, body: str, expected: str | None, make_kb: Callable[..., Path]
) -> None:
    from berlintalks.records.yaml import ParseError, parse

    if expected is None:
        assert len(parse(body, "x.yaml").value["b"]) == 99_990
    else:
        with pytest.raises(ParseError) as caught:
            parse(body, "x.yaml")
        assert (caught.value.code, caught.value.line) == (expected, 2)


def test_hidden_record_file_is_reported_not_skipped(tmp_path: Path) -> None:
    root = kb(tmp_path, {"talks": claim_yaml(), ".sneaky": claim_yaml("sneaky")})
    (root / "claims" / ".#talks.yaml").symlink_to("editor@host.123")
    (root / "claims" / ".yaml").write_text(claim_yaml("x"), encoding="utf-8")
    done = check(root)
    assert done.returncode == 1
    assert [ln for ln in done.stdout.splitlines() if ": error " in ln] == [
        "claims/.sneaky.yaml:1:1: error BT008 '.sneaky.yaml' is not a valid record file name: "
        "use lowercase letters, digits and single hyphens (at most 80 characters)",
        "claims/.yaml:1:1: error BT008 '.yaml' is not a valid record file name: "
        "use lowercase letters, digits and single hyphens (at most 80 characters)",
    ]
