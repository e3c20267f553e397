"""Problems found in a workspace: data with a location, a stable code and a hint.

Validation returns problems instead of raising, so one bad file never takes the board down and
the CLI, the app and exports all show the same report.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Self


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Code(StrEnum):
    """Every problem code there is, in one registry: the stable slug scripts match on, what it means,
    and the usual fix (a problem may give a more precise hint of its own).

    `Code.UNKNOWN_KEY == "unknown-key"`, so JSON output and string comparisons see the slug. A
    `Problem` with a code not listed here cannot be made (a test walks every code the package uses).
    """

    meaning: str
    hint: str

    def __new__(cls, slug: str, meaning: str, hint: str) -> Code:
        member = str.__new__(cls, slug)
        member._value_ = slug
        member.meaning = meaning
        member.hint = hint
        return member

    # --- reading files (workspace/files.py, yaml_reader.py)
    NOT_A_FILE = ("not-a-file", "the path is a folder, pipe, socket or device, not a plain file",
                  "remove it or replace it with a YAML file")
    NOT_A_FOLDER = ("not-a-folder", "the path should be a folder of indicator files", "make it a folder")
    BROKEN_LINK = ("broken-link", "a symbolic link that points nowhere or loops", "fix or remove the link")
    MISSING_FILE = ("missing-file", "the file does not exist", "check the path")
    VANISHED = ("vanished", "the file was removed while the workspace was being read", "load the workspace again")
    UNREADABLE = ("unreadable", "the file or folder cannot be read", "check its permissions")
    FILE_TOO_LARGE = ("file-too-large", "the file is larger than the limit",
                      "split it, or raise INDICATORS_MAX_FILE_MB")
    ENCODING = ("encoding", "the file is not UTF-8 text", "save the file as UTF-8")
    EMPTY_FILE = ("empty-file", "the file holds no data", "add content, or delete the file")
    OUTSIDE_FOLDER = ("outside-folder", "a link to a file outside the workspace (not read)",
                      "copy the file into the workspace")
    # --- YAML syntax and safety (yaml_reader.py)
    YAML_SYNTAX = ("yaml-syntax", "the file is not valid YAML", "fix the syntax at the place shown")
    DUPLICATE_KEY = ("duplicate-key", "a key appears twice in one mapping (YAML would keep only one)",
                     "merge the two or rename one")
    TOO_DEEP = ("too-deep", "nesting deeper than the reader allows", "flatten the structure")
    ALIAS = ("alias", "YAML anchors and aliases are not allowed", "write the value out in full")
    MERGE_KEY = ("merge-key", "YAML merge keys (<<) are not allowed", "write the keys out in full")
    UNSAFE_TAG = ("unsafe-tag", "YAML tags are not allowed", "remove the tag")
    BAD_KEY = ("bad-key", "a mapping key that is not a plain value", "use a name as the key")
    BAD_NUMBER = ("bad-number", "a number YAML cannot read", "quote it, or write it as a plain number")
    YAML11_TEXT = ("yaml11-text", "text YAML 1.1 reads as a boolean or number; kept as text",
                   "quote the value")
    # --- fields of the models (validate.py)
    MISSING_FIELD = ("missing-field", "a required field is missing", "add the field")
    UNKNOWN_KEY = ("unknown-key", "a key the schema does not know (a typo?)", "fix the spelling or remove the key")
    BAD_VALUE = ("bad-value", "a value not on the field's scale", "use one of the allowed values")
    BAD_ID = ("bad-id", "an identifier in the wrong form", "follow the form shown in the hint")
    BAD_FORMAT = ("bad-format", "a value in the wrong form", "follow the form shown in the hint")
    BAD_DATE = ("bad-date", "not a date", "write dates as YYYY-MM-DD")
    WRONG_TYPE = ("wrong-type", "a value of the wrong type", "see the schema for this field")
    OUT_OF_RANGE = ("out-of-range", "a number or text outside the allowed range", "see the schema for this field")
    INVALID = ("invalid", "a value the schema does not accept", "see the schema for this field")
    BLANK_TEXT = ("blank-text", "a text that is empty or only white space", "write the text, or remove the key")
    CONTROL_CHARACTER = ("control-character",
                         "text holding a control character other than tab and line feed (an escape sequence "
                         "rewrites a terminal; XML feeds cannot carry it)",
                         "delete it: text may hold tabs and line breaks but no other control character (in YAML "
                         "it is usually an escape in a double-quoted string: \\e, \\x1b, \\u001b)")
    # --- the workspace as a whole (load.py)
    MISSING_WORKSPACE_FILE = ("missing-workspace-file", "the folder has no workspace.yaml",
                              "point --data at a workspace folder")
    NO_INDICATORS = ("no-indicators", "no indicator files found", "add a YAML file to indicators/")
    DUPLICATE_ID = ("duplicate-id", "an id used twice", "give each indicator and indication its own id")
    UNKNOWN_SCENARIO = ("unknown-scenario", "a reference to a scenario that does not exist",
                        "use a scenario id from workspace.yaml")
    UNKNOWN_INDICATION = ("unknown-indication", "a citation of an indication that does not exist",
                          "cite an indication of the same indicator")
    UNKNOWN_INDICATOR = ("unknown-indicator", "no indicator with this id", "use an indicator id from the checklist")
    MISSING_RATING = ("missing-rating", "an indicator not rated against every scenario", "rate it against each")
    CITES_LATER_INDICATION = ("cites-later-indication", "an assessment citing an indication dated after it",
                              "fix one of the dates or drop the citation")
    CITES_OTHER_INDICATOR = ("cites-other-indicator", "an assessment citing an indication of another indicator",
                             "cite this indicator's own indications, record the event on this indicator too, "
                             "or name the other indicator under 'related:'")
    DUPLICATE_INDICATION = ("duplicate-indication",
                            "an indication recorded twice (same indicator, date, summary and source)",
                            "remove the second one")
    UNIT_MISMATCH = ("unit-mismatch", "a value in a unit different from the rest of the indicator's series",
                     "use the series' unit, so the values can be compared")
    UNKNOWN_SOURCE = ("unknown-source", "a source_id that is not listed under the workspace's sources",
                      "add the report to 'sources:' in workspace.yaml, or use one of its ids")
    UNKNOWN_RELATED = ("unknown-related", "a related indicator that does not exist", "list ids of indicators")
    CITES_WITHDRAWN = ("cites-withdrawn", "an assessment resting on an indication that was withdrawn",
                       "reassess the indicator without it (or withdraw the assessment too)")
    WITHDRAWN_BEFORE_ENTRY = ("withdrawn-before-entry", "a withdrawal dated before the entry it withdraws",
                              "date the withdrawal on or after the entry")
    ALREADY_WITHDRAWN = ("already-withdrawn", "an entry that is withdrawn already", "nothing to do")
    ALREADY_RETIRED = ("already-retired", "an indicator or scenario that is retired already", "nothing to do")
    RETIRED_BEFORE_ADDED = ("retired-before-added", "a retirement dated before the item was added",
                            "date the retirement on or after the 'added' date")
    REVIEW_CHANGES_STATUS = ("review-changes-status", "a review that does not repeat the status standing before it",
                             "a change of status is an assessment: drop 'review: true', or repeat the status")
    LADDER_INCOMPLETE = ("ladder-incomplete", "a ladder without a rung, or a rung without a ladder",
                         "give both 'ladder: NAME' and 'rung: N', or neither")
    LADDER_RUNG_TAKEN = ("ladder-rung-taken", "two indicators on the same rung of one ladder",
                         "number the rungs of a ladder 1, 2, 3 … once each")
    UNKNOWN_ENTRY = ("unknown-entry", "no indication, assessment or judgment with this id",
                     "use an id that 'indicators show' prints, e.g. SAT-01.3 or SAT-01@2024-11-21")
    ID_TAKEN = ("id-taken", "an id that is already used", "choose a free id")
    IMPORT_FORMAT = ("import-format", "an import file that cannot be read as CSV or TSV",
                     "see the README's import section for the columns")
    IMPORT_IDENTITY = ("import-identity", "an import file naming analysts on a signed-in board, where every "
                       "entry is signed with the signed-in identity", "remove the 'analyst' column")
    FUTURE_DATE = ("future-date", "a date after today", "give the date it happened")
    UNKNOWN_ACCESS_NAME = ("unknown-access-name",
                           "a name under access: caps that is not listed under readers or editors (it caps no one)",
                           "fix the spelling, or list the group or address under readers")
    DUPLICATE_ACCESS_NAME = ("duplicate-access-name", "a name given twice under access: caps (names ignore case)",
                             "keep one of the two")
    CAP_ON_EDITOR = ("cap-on-editor", "a cap on a name listed only under editors (editors see everything)",
                     "list the name under readers instead of editors, or drop the cap")
    CONFUSABLE_ANALYST = ("confusable-analyst",
                          "analyst names that differ only in case, spacing or look-alike letters",
                          "spell each analyst's name one way everywhere")
    # --- writing (editing/)
    READ_ONLY = ("read-only", "the board is read-only: writes are refused", "unset INDICATORS_READ_ONLY")
    LOCKED = ("locked", "another writer holds the file's lock", "try again in a moment")
    CONFLICT = ("conflict", "the file changed on disk since it was read; nothing was written",
                "review the change again and save once more")
    CANNOT_EDIT = ("cannot-edit", "the file cannot be edited in place", "fix the file (see 'indicators validate')")
    CANNOT_ACCESS = ("cannot-access", "the operating system refused to read or write the file",
                     "check the file's permissions and the disk")
    FORM_CHANGED = ("form-changed", "the form changed after the preview", "preview again before saving")
    NOT_A_REPOSITORY = ("not-a-repository", "the workspace is not in a git repository",
                        "run 'git init' or save without committing")
    GIT_FAILED = ("git-failed", "git could not commit the saved change", "commit it by hand")
    ALREADY_RESOLVED = ("already-resolved", "a scenario whose question is resolved already",
                        "a question is resolved once: correct the resolution in workspace.yaml if it was wrong")
    RESOLVED_BEFORE_JUDGED = ("resolved-before-judged", "a scenario resolved before its first judgment",
                              "date the resolution on or after the first judgment, or judge the scenario first")
    JUDGED_AFTER_RESOLUTION = ("judged-after-resolution", "a judgment dated after its scenario's resolution",
                               "a resolved question takes no new judgment: withdraw the resolution first")
    UNKNOWN_ASSUMPTION = ("unknown-assumption", "no key assumption with this id in the scenario",
                          "use an assumption id listed under the scenario's 'assumptions:'")
    ASSUMPTION_WITHOUT_RATIONALE = ("assumption-without-rationale",
                                    "an assumption questioned, broken, or holding again after it broke, "
                                    "with no rationale", "say in 'rationale' what changed")
    ASSUMPTION_CHECKS_ORDER = ("assumption-checks-order", "an assumption's checks out of date order",
                               "list its checks oldest first")
    DUPLICATE_ANALYST = ("duplicate-analyst", "two rating files for one analyst",
                         "keep one file per analyst under ratings/")
    MERGE_CONFLICT = ("merge-conflict", "the same entry was changed differently on both sides of a merge",
                      "edit the entry between the <<<<<<< and >>>>>>> markers, then 'git add' the file")
    MERGE_INVALID = ("merge-invalid", "the merged file would not be valid", "fix the merged file, then 'git add' it")
    UNRELATED_CHANGES = ("unrelated-changes", "the clone has local changes outside the workspace",
                         "commit or stash them first ('git status' lists them)")
    NO_UPSTREAM = ("no-upstream", "the branch has no remote branch to pull from and push to",
                   "set one once: git push -u origin BRANCH")
    GIT_TIMEOUT = ("git-timeout", "a git command (or the merge driver it ran) did not finish in time and was stopped",
                   "try again; if it happens again, raise INDICATORS_SYNC_TIMEOUT or merge by hand")
    CONFLICT_MARKER = ("conflict-marker", "a conflict marker (<<<<<<< or >>>>>>>) left in a committed file",
                       "edit the entry between the markers, remove the marker lines, commit, and sync again")
    PUSH_REFUSED = ("push-refused", "what would be pushed has errors the team's copy does not have",
                    "fix the files named, commit, and sync again (nothing was pushed)")
    # --- exports, snapshots and markings (reports/)
    UNKNOWN_FORMAT = ("unknown-format", "an export format that does not exist",
                      "use one that `indicators export --help` lists under --format")
    UNKNOWN_MARKING = ("unknown-marking", "not a TLP marking", "use CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
    MARKING_BELOW_WORKSPACE = ("marking-below-workspace", "a marking below the workspace's own",
                               "choose the workspace's marking or a higher one")
    SINCE_AFTER_AS_OF = ("since-after-as-of", "the 'since' date is after the as-of date",
                         "choose a 'since' date on or before the as-of date")
    BAD_OUTPUT_PATH = ("bad-output-path", "an output path that cannot be written to", "name a file")
    OUTPUT_IS_FOLDER = ("output-is-folder", "the output path is a folder", "give a file name inside it")
    NO_SUCH_FOLDER = ("no-such-folder", "the output folder does not exist", "create it first")
    CANNOT_WRITE = ("cannot-write", "the file could not be written", "check the folder's permissions and the disk")
    MISSING_SNAPSHOT = ("missing-snapshot", "no snapshot at this path", "give the path of a JSON snapshot")
    NOT_UTF8 = ("not-utf8", "the snapshot is not UTF-8 text", "give a JSON snapshot made by 'indicators export'")
    JSON_SYNTAX = ("json-syntax", "the snapshot is not valid JSON", "give a JSON snapshot made by 'indicators export'")
    JSON_TOO_DEEP = ("json-too-deep", "the JSON nests too deeply to read",
                     "give a JSON snapshot made by 'indicators export'")
    NOT_A_SNAPSHOT = ("not-a-snapshot", "JSON that is not a board snapshot",
                      "give a JSON snapshot made by 'indicators export --format json'")
    SNAPSHOT_VERSION = ("snapshot-version", "a snapshot format this version cannot read",
                        "export the snapshot again with this version")
    SNAPSHOT_INVALID = ("snapshot-invalid", "a snapshot whose content is not valid", "export the snapshot again")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, where it is, and how to fix it."""

    path: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "code", Code(self.code))
        except ValueError:
            raise ValueError(f"problem code {self.code!r} is not in the registry (workspace.problems.Code)") from None

    def format(self) -> str:
        """`path:line:column: error: message — hint`, the form editors and CI understand.

        Problems with command-line input have no line (0) and print as `input: error: …`.
        """
        place = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        text = f"{place}: {self.severity.value}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["code"] = str(self.code)
        data["severity"] = self.severity.value
        return data

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def display_path(path: Path, root: Path) -> str:
    """The path as the user named it: the data folder as given, joined with the file's place in it."""
    try:
        return str(root / path.relative_to(root))
    except ValueError:
        return str(path)



class Checked:
    """Something holding the problems found in it (`problems`), split into errors and warnings."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


class ProblemsError(Exception):
    """Something refused, with the located problems that say why (the CLI prints them and exits 1;
    the app shows them). Each refusal — an edit, an export, an unreadable snapshot — is a subclass."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.format() for p in problems))
        self.problems = problems

    @classmethod
    def of(cls, code: Code, message: str, hint: str = "", path: str = "input") -> Self:
        """A refusal for one problem with no line to point at (command-line input, a whole file);
        the hint defaults to the code's usual fix."""
        return cls([Problem(path, 0, 0, code, message, hint or Code(code).hint)])
