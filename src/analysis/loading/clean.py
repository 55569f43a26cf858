"""Deterministic, audited cleaning of one raw report into simplified body text.

The steps, in order (each recorded in an :class:`Audit`):

1. remove pinyin injected after characters (``萍鄉(xiāng)`` -> ``萍鄉``), keeping real
   parenthesised text (``文明委(擴(kuò)大)會(huì)議`` -> ``文明委(擴大)會議``);
2. repair characters the injection destroyed (``?`` plus a pinyin remnant) from
   ``data/lexicon/repairs.csv``; any other remnant is replaced by ``〓`` and flagged;
3. convert traditional to simplified script with OpenCC (``t2s``, phrase-aware), then apply the
   context fixes in ``data/lexicon/script_fixes.csv``;
4. drop web-page furniture by the rules in ``data/lexicon/furniture.yaml`` (navigation, widgets,
   bylines, publication stamps, photo captions, a summary that repeats the lead), set the headline
   aside as title and the short lines between it and the lead (decks, kickers, captions) as
   ``subhead``; cut datelines and credits inside paragraphs;
5. rejoin paragraphs broken across page breaks (never a dateline: ``keep_apart`` in the rules);
6. normalise punctuation (ASCII to full-width next to Chinese text) and whitespace.

Markup is text. HTML tags inside a report (``<b>``, ``<script>…</script>``) are neither stripped
nor interpreted: stripping them could delete real text (``<5%``, a quoted tag in a report about a
website), and a report that arrives as a web page should be saved as plain text before it enters
the corpus (``python -m analysis check-report`` counts the tags it finds). The cleaned text keeps
them as literal characters and every output that renders text escapes it.

Nothing is lost silently: :attr:`CleanResult.trace` lists every piece of the converted input in
order with what happened to it, so the body plus the dropped pieces rebuild the input.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
from collections import Counter
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from analysis.loading.chars import HAN, HAN_RE, count_han  # noqa: F401 (re-exported)
from analysis.loading.config import LEXICON_DIR

PINYIN_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
#: A character followed by a parenthesised lower-case pinyin syllable.
ANNOTATION_RE = re.compile(rf"(?P<han>[{HAN}])\((?P<py>[{PINYIN_LETTERS}]{{1,7}})\)")
#: The same, without groups (faster to collect).
ANNOTATION_WHOLE_RE = re.compile(rf"[{HAN}]\([{PINYIN_LETTERS}]{{1,7}}\)")
#: The parenthesised part of the same annotations (the same matches, without the character).
ANNOTATION_PARENS_RE = re.compile(rf"(?<=[{HAN}])\([{PINYIN_LETTERS}]{{1,7}}\)")
#: What the injection leaves where it destroyed a character: ``?`` + remnant + ``)`` (+ a private-use char).
DEBRIS_RE = re.compile(rf"(?:\?[{PINYIN_LETTERS}]{{1,7}}\)[\ue000-\uf8ff]?)+")
#: Marks a character that was lost and could not be restored (the printer's "geta" mark).
LOST_CHAR = "〓"

SENTENCE_END = "。！？!?"
#: A paragraph ending in one of these is complete; anything else may continue after a page break.
PARAGRAPH_END = "。！？!?；;：:…”’」』）)》】"
#: Splits a summary into sentences (to find each in the body).
_SUMMARY_SENTENCE_RE = re.compile(r"[。！？!?]")

_ASCII_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_ASCII_PUNCT_RE = re.compile("[" + re.escape("".join(_ASCII_TO_FULL)) + "]")
_SPACE_RUN_RE = re.compile(r"[ \t\u00a0\u3000]+")
_SPACE_AROUND_PUNCT_RE = re.compile(r" ?([，。：；？！（）、“”‘’《》【】——…]) ?")


@dataclass
class Rules:
    """Cleaning rules read from ``data/lexicon/`` (see the files for the evidence of each)."""

    furniture: dict
    repairs: list[dict]
    script_fixes: list[dict]


@dataclass
class Audit:
    """What cleaning did to one report."""

    file: str
    encoding: str = "utf-8"
    script_detected: str = "simplified"
    chars_in: int = 0
    chars_out: int = 0
    annotations_removed: int = 0
    annotation_mismatches: list[dict] = field(default_factory=list)
    chars_converted: int = 0
    conversions: dict = field(default_factory=dict)
    script_fixes: list[dict] = field(default_factory=list)
    repairs: list[dict] = field(default_factory=list)
    flagged: list[dict] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)
    inline_removed: list[dict] = field(default_factory=list)
    rejoins: list[dict] = field(default_factory=list)
    punctuation_normalised: int = 0
    title: str = ""
    byline: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain dict, for JSON and tables (a copy: the fields hold flat dicts, lists of flat dicts or scalars)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, list):
                value = [dict(v) if isinstance(v, dict) else v for v in value]
            elif isinstance(value, dict):
                value = dict(value)
            out[f.name] = value
        return out


@dataclass
class CleanResult:
    """Cleaned report: title, body paragraphs and the audit."""

    title: str
    paragraphs: list[str]
    audit: Audit
    converted: str
    trace: list[tuple[str, str]]

    @property
    def text(self) -> str:
        """The body, paragraphs joined by newlines (the text all offsets refer to)."""
        return "\n".join(self.paragraphs)


# --------------------------------------------------------------------------------------------
# rules


RULE_FILES = ("furniture.yaml", "repairs.csv", "script_fixes.csv")


def load_rules(lexicon_dir: Path = LEXICON_DIR) -> Rules:
    """Read the furniture, repair and script-fix rules from the lexicon folder (re-read when they change)."""
    stamp = tuple((p.stat().st_mtime_ns, p.stat().st_size) for p in (lexicon_dir / f for f in RULE_FILES))
    return _load_rules(lexicon_dir, stamp)


@lru_cache(maxsize=4)
def _load_rules(lexicon_dir: Path, stamp: tuple) -> Rules:
    furniture = yaml.safe_load((lexicon_dir / "furniture.yaml").read_text(encoding="utf-8"))
    with open(lexicon_dir / "repairs.csv", encoding="utf-8", newline="") as f:
        repairs = list(csv.DictReader(f))
    with open(lexicon_dir / "script_fixes.csv", encoding="utf-8", newline="") as f:
        fixes = list(csv.DictReader(f))
    return Rules(furniture=furniture, repairs=repairs, script_fixes=fixes)


def threshold(furniture: dict, name: str):
    """A value of the ``thresholds:`` section of furniture.yaml (each documented there)."""
    return furniture["thresholds"][name]["value"]


def list_marker_re(furniture: dict) -> re.Pattern:
    """The ``list_markers`` pattern of furniture.yaml, compiled: a line opening a list item."""
    return _rx(furniture["list_markers"]["pattern"])


# --------------------------------------------------------------------------------------------
# 1-3: characters


@lru_cache(maxsize=1)
def _readings() -> tuple[dict, frozenset]:
    """pypinyin's readings per character (tone marks) and the set of all valid syllables.

    Read from pypinyin's ``pinyin_dict.json`` directly: importing the package also loads its
    phrase dictionary and segmenter, which cleaning does not need (half a second per process).
    """
    table = None
    spec = importlib.util.find_spec("pypinyin")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "pinyin_dict.json"
        if path.is_file():
            table = {int(k): v for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
            break
    if table is None:  # pragma: no cover - a pypinyin without the JSON file
        from pypinyin.pinyin_dict import pinyin_dict as table

    per_char = {chr(cp): frozenset(v.split(",")) for cp, v in table.items()}
    syllables = frozenset(s for v in per_char.values() for s in v)
    return per_char, syllables




def strip_annotations(text: str) -> tuple[str, int, list[dict]]:
    """Remove pinyin injected after characters; keep real parenthesised text.

    An annotation is removed when its syllable is a valid pinyin syllable; a syllable that is
    not a reading of the character it follows is removed too but listed as a mismatch.
    Returns the text, the number removed and the mismatches.
    """
    if "(" not in text:
        return text, 0, []
    counts = Counter(ANNOTATION_WHOLE_RE.findall(text))  # {"會(huì)": 3, ...}
    if not counts:
        return text, 0, []
    per_char, syllables = _readings()
    # Fast path, the same result in C-level passes: cut every annotation whose syllable is valid
    # (those that are not stay, as below). Each literal ``字(pinyin)`` in the text is one of the
    # matches, so the mismatches are found by searching for their literals.
    invalid, odd, expected = set(), [], 0
    for a, n in counts.items():
        py = a[2:-1]
        if py not in syllables:
            invalid.add(py)
        else:
            expected += n
            if py not in per_char.get(a[0], ()):
                odd.append(a)
    parens = ANNOTATION_PARENS_RE
    if invalid:
        parens = re.compile(rf"(?<=[{HAN}])\((?!(?:{'|'.join(sorted(invalid))})\))[{PINYIN_LETTERS}]{{1,7}}\)")
    out, n = parens.subn("", text)
    if n == expected:
        mismatches = []
        if odd:
            literal = re.compile("|".join(map(re.escape, sorted(odd))))
            mismatches = [{"char": m.group(0)[0], "pinyin": m.group(0)[2:-1], "offset": m.start()}
                          for m in literal.finditer(text)]
        return out, n, mismatches
    removed = 0
    mismatches: list[dict] = []

    def replace(m: re.Match) -> str:
        nonlocal removed
        han, py = m.group("han"), m.group("py")
        if py not in syllables:
            return m.group(0)
        removed += 1
        if py not in per_char.get(han, ()):
            mismatches.append({"char": han, "pinyin": py, "offset": m.start()})
        return han

    return ANNOTATION_RE.sub(replace, text), removed, mismatches


def repair_debris(text: str, file: str, repairs: list[dict]) -> tuple[str, list[dict], list[dict]]:
    """Repair characters lost to the injection where a rule makes them certain; flag the rest.

    A rule matches on the report file (empty matches any), the remnant (private-use characters
    ignored) and the text right before and after it. Unmatched remnants become ``〓``.
    """
    done: list[dict] = []
    flagged: list[dict] = []

    def replace(m: re.Match) -> str:
        debris = m.group(0)
        bare = re.sub("[\ue000-\uf8ff]", "", debris)
        before = text[max(0, m.start() - 12) : m.start()].split("\n")[-1].lstrip()
        after = text[m.end() : m.end() + 12].split("\n")[0].rstrip()
        for rule in repairs:
            if (
                rule["doc_file"] in ("", file)
                and rule["debris"] == bare
                and before.endswith(rule["before"])
                and after.startswith(rule["after"])
            ):
                done.append(
                    {"debris": bare, "context": f"{before}▮{after}", "replacement": rule["replacement"],
                     "evidence": rule["evidence"]}
                )
                return rule["replacement"]
        flagged.append({"debris": bare, "context": f"{before}▮{after}", "offset": m.start(),
                        "problem": f"character lost to pinyin injection, no repair rule; marked {LOST_CHAR}"})
        return LOST_CHAR

    return DEBRIS_RE.sub(replace, text), done, flagged


@lru_cache(maxsize=1)
def _opencc():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> tuple[str, Counter]:
    """Convert to simplified script with OpenCC's phrase-aware ``t2s``; count changed characters.

    OpenCC's phrase conversion never changes the length of these texts, so changes are counted
    position by position; if the length differs the count falls back to a multiset difference.
    """
    out = _opencc().convert(text)
    if out == text:
        changes = Counter()
    elif len(out) == len(text):
        # Compare code points as arrays: only the changed positions reach Python.
        a = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        b = np.frombuffer(out.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        changed = np.flatnonzero(a != b)
        pairs, counts = np.unique((a[changed].astype(np.uint64) << 32) | b[changed], return_counts=True)
        changes = Counter({f"{chr(p >> 32)}→{chr(p & 0xFFFFFFFF)}": n for p, n in zip(pairs.tolist(), counts.tolist())})
    else:  # pragma: no cover - OpenCC t2s keeps lengths for CJK text
        changes = Counter(f"{c}→?" for c in (Counter(text) - Counter(out)).elements())
    return out, changes


def apply_script_fixes(text: str, fixes: list[dict]) -> tuple[str, list[dict]]:
    """Correct what OpenCC cannot decide without context (``领著干`` -> ``领着干``)."""
    done = []
    for fix in fixes:
        n = text.count(fix["simplified_by_opencc"])
        if n:
            text = text.replace(fix["simplified_by_opencc"], fix["corrected"])
            done.append({"from": fix["simplified_by_opencc"], "to": fix["corrected"], "count": n,
                         "evidence": fix["evidence"]})
    return text, done


# --------------------------------------------------------------------------------------------
# 4-6: lines


def _has_sentence_punct(line: str) -> bool:
    return any(c in line for c in SENTENCE_END + "；;：:")


def is_heading(line: str, furniture: dict | None = None) -> bool:
    """A heading or list item title: a list marker, or short with no sentence punctuation inside.

    ``furniture`` is the furniture rules (default: read from the lexicon), which hold the list
    markers and the length limit (``thresholds: heading_max_chars``).
    """
    fur = furniture or load_rules().furniture
    return bool(list_marker_re(fur).match(line)) or (
        len(line) <= threshold(fur, "heading_max_chars") and not _has_sentence_punct(line[:-1]))


def _is_chinese(c: str) -> bool:
    """A Han character or a full-width / CJK punctuation mark."""
    return bool(c) and ("\u3000" <= c <= "\u303f" or "\u3400" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" or c in "“”‘’—…")


def normalise_punctuation(line: str) -> tuple[str, int]:
    """ASCII punctuation next to Chinese text becomes full-width; spaces around it go.

    Only marks with Chinese text on at least one side change, so ``09:43``, ``1+5`` and markup
    such as ``alert(1)`` stay as they are. Runs of spaces
    collapse to one; a space between two Chinese characters stays (``美丽乡村 全域文明``).
    """
    pieces: list[str] = []
    last = 0
    n = len(line)
    for m in _ASCII_PUNCT_RE.finditer(line):
        i = m.start()
        j = i - 1  # the nearest non-space character on each side
        while j >= 0 and line[j].isspace():
            j -= 1
        k = i + 1
        while k < n and line[k].isspace():
            k += 1
        if _is_chinese(line[j] if j >= 0 else "") or _is_chinese(line[k] if k < n else ""):
            pieces += (line[last:i], _ASCII_TO_FULL[line[i]])
            last = i + 1
    changed = len(pieces) // 2
    if pieces:
        pieces.append(line[last:])
        line = "".join(pieces)
    out = _SPACE_RUN_RE.sub(" ", line).strip()
    if " " in out:
        out = _SPACE_AROUND_PUNCT_RE.sub(r"\1", out)
    return out, changed


@lru_cache(maxsize=512)
def _rx(pattern: str) -> re.Pattern:
    """A rule's compiled pattern."""
    return re.compile(pattern)


def _rule_applies(rule: dict, line: str) -> bool:
    """Whether ``rule`` matches ``line``: its ``pattern`` and ``requires`` are found, its ``unless``
    is not, and the line is at most ``max_len`` characters."""
    if "pattern" not in rule or not _rx(rule["pattern"]).search(line):
        return False
    if "max_len" in rule and len(line) > rule["max_len"]:
        return False
    if "requires" in rule and not _rx(rule["requires"]).search(line):
        return False
    return not ("unless" in rule and _rx(rule["unless"]).search(line))


def _match_any(rules: list[dict], line: str) -> dict | None:
    """The first rule that applies to ``line`` (see :func:`_rule_applies`)."""
    for rule in rules:
        if _rule_applies(rule, line):
            return rule
    return None


def byline_field_re(furniture: dict) -> re.Pattern:
    """A labelled byline field (labels of furniture.yaml ``byline_fields``, tried in their order); the
    value is one run of non-space characters that is not itself a label (``作者: 信息来源: 转自本网``
    has an empty author)."""
    labels = "|".join(map(re.escape, furniture["byline_fields"]["labels"]))
    return _rx(f"({labels})[:：]\\s*([^|｜\\s:：]+)(?=[\\s|｜]|$)")


#: A date in one of the forms of publication stamps: ``2022-10-25``, ``2014年03月04日``, ``22.01.2015``.
BYLINE_DATE_RE = re.compile(r"(?P<y>\d{4})(?:-|年)(?P<m>\d{1,2})(?:-|月)(?P<d>\d{1,2})日?"
                            r"|(?P<d2>\d{1,2})\.(?P<m2>\d{1,2})\.(?P<y2>\d{4})")


def parse_byline(line: str, furniture: dict | None = None) -> dict:
    """Date (ISO), time and the labelled fields of a byline (``2022-10-25作者: 蒋志斌 来源: 长沙县文明网``);
    the field labels are furniture.yaml's ``byline_fields``."""
    fur = furniture or load_rules().furniture
    out = {}
    if m := BYLINE_DATE_RE.search(line):
        y, mo, d = (m["y"], m["m"], m["d"]) if m["y"] else (m["y2"], m["m2"], m["d2"])
        out["date"] = f"{y}-{int(mo):02d}-{int(d):02d}"
        if t := re.match(r"\s*(\d{1,2}:\d{2})", line[m.end():]):
            out["time"] = t.group(1)
    out.update({k: v for k, v in byline_field_re(fur).findall(line)})
    return out


class _Joined:
    """A paragraph being rejoined from pieces, joined once at the end (no quadratic concatenation)."""

    HEAD = 200

    def __init__(self, first: str, furniture: dict):
        self.furniture = furniture
        self.pieces = [first]
        self.length = len(first)
        self.head = first[: self.HEAD]

    def add(self, piece: str) -> None:
        self.pieces.append(piece)
        self.length += len(piece)
        if len(self.head) < self.HEAD:
            self.head = (self.head + piece)[: self.HEAD]

    def tail(self, n: int) -> str:
        """The last ``n`` characters (pieces are never empty)."""
        return "".join(self.pieces[-n:])[-n:]

    def is_heading(self) -> bool:
        """:func:`is_heading` of the joined text, computed from its first characters."""
        if self.length <= len(self.head) or re.fullmatch(r"第?[一二三四五六七八九十]*", self.head):
            return is_heading("".join(self.pieces), self.furniture)
        # longer than the heading limit (far below HEAD): only a list marker makes a heading
        return bool(list_marker_re(self.furniture).match(self.head))

    def text(self) -> str:
        return "".join(self.pieces)


def keeps_apart(par: str, furniture: dict) -> bool:
    """Whether ``par`` is a dateline or metadata line (``keep_apart`` rules), never rejoined."""
    return _match_any(furniture.get("keep_apart", []), par) is not None


def rejoin_paragraphs(paragraphs: list[str], rejoins: list[dict], furniture: dict | None = None) -> list[str]:
    """Join a paragraph to the next when it ends without closing punctuation and is not a heading.

    A page break splits a paragraph mid-sentence; each rejoin is appended to ``rejoins``.
    ``paragraphs`` must be non-empty strings. A paragraph that :func:`keeps_apart` (a dateline)
    is joined neither to the next nor to the previous one.
    """
    fur = furniture or load_rules().furniture
    joined: list[_Joined] = []
    apart_last = False
    for par in paragraphs:
        apart = keeps_apart(par, fur)
        if (joined and not apart and not apart_last and joined[-1].pieces[-1][-1] not in PARAGRAPH_END
                and not joined[-1].is_heading()):
            rejoins.append({"end": joined[-1].tail(12), "start": par[:12]})
            joined[-1].add(par)
        else:
            joined.append(_Joined(par, fur))
        apart_last = apart
    return [j.text() for j in joined]


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _summary_repeats_body(summary: str, joined_body: str) -> bool:
    """Whether a summary's text, or else each of its sentences, is found in the (squashed) body."""
    text = _squash(summary)
    if not text:
        return False
    if text in joined_body:
        return True
    sentences = [s for s in _SUMMARY_SENTENCE_RE.split(text) if len(s) >= 2]
    return len(sentences) > 1 and all(s in joined_body for s in sentences)


def is_headline(line: str, furniture: dict) -> bool:
    """Whether the first body line is the headline: not a sentence, and at most ``title_max_chars``.

    Not a sentence: it does not end with closing punctuation, or it ends with a closing bracket
    and has no sentence-final mark anywhere (``全市文明城市创建会议(在文明城市创建推进会议上讲话)``,
    dev d15; a lead always ends with ``。``).
    """
    if len(line) > threshold(furniture, "title_max_chars"):
        return False
    if line[-1] not in PARAGRAPH_END:
        return True
    return line[-1] in ")）]】" and not any(c in line for c in SENTENCE_END)


def _drop_trailing_captions(body: list, trace: list, why: dict, fur: dict) -> None:
    """Mark a trailing run of short unpunctuated lines (a photo gallery's captions) as captions.

    The length limit and the shortest run are the ``trailing_short_lines`` caption rule's.
    """
    rule = next((r for r in fur.get("caption", []) if "trailing_short_lines" in r), None)
    if rule is None:
        return
    run = 0
    while (run < len(body) - 1 and len(body[-1 - run][1]) <= rule["trailing_short_lines"]
           and not _has_sentence_punct(body[-1 - run][1])):
        run += 1
    if run < rule.get("min_lines", 1):
        return
    for _ in range(run):
        idx, line = body.pop()
        trace[idx] = ("caption", line)
        why[idx] = "a run of short lines without sentence punctuation after the last sentence (photo captions)"


def _drop_front_matter(body: list, trace: list, why: dict, fur: dict) -> None:
    """Mark the short unpunctuated lines right after the headline (decks, kickers, captions) as ``subhead``."""
    limit = threshold(fur, "subhead_max_chars")
    while len(body) > 1 and len(body[0][1]) <= limit and not _has_sentence_punct(body[0][1]):
        idx, line = body.pop(0)
        trace[idx] = ("subhead", line)
        why[idx] = fur["thresholds"]["subhead_max_chars"]["note"]


def _cut_inline(line: str, fur: dict, removed: list[dict]) -> str:
    """Cut the inline furniture (datelines, credits, continuation notes) out of one body line.

    Each cut is appended to ``removed`` with its rule's note (and ``kind`` when the rule has one).
    """
    for rule in fur.get("inline", []):
        m = _rx(rule["pattern"]).search(line)
        if m and m.group(0).strip():
            entry = {"text": m.group(0).strip(), "rule": rule["note"]}
            if "kind" in rule:
                entry["kind"] = rule["kind"]
            removed.append(entry)
            line = line[: m.start()] + line[m.end() :]
    return line.strip()


def clean_text(raw: str, file: str = "", rules: Rules | None = None, encoding: str = "utf-8") -> CleanResult:
    """Clean one decoded report; see the module docstring for the steps."""
    rules = rules or load_rules()
    fur = rules.furniture
    audit = Audit(file=file, encoding=encoding, chars_in=len(raw))

    text, audit.annotations_removed, audit.annotation_mismatches = strip_annotations(raw)
    text, audit.repairs, audit.flagged = repair_debris(text, file, rules.repairs)
    text, changes = to_simplified(text)
    audit.chars_converted = sum(changes.values())
    audit.conversions = dict(sorted(changes.items(), key=lambda kv: (-kv[1], kv[0])))
    han = count_han(text) or 1
    share = threshold(fur, "traditional_share")
    audit.script_detected = "traditional" if audit.chars_converted / han > share else "simplified"
    text, audit.script_fixes = apply_script_fixes(text, rules.script_fixes)
    converted = text

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for rule in fur.get("paragraph_break", []):
        text = _rx(rule["pattern"]).sub("\n", text)
    for rule in fur.get("split", []):
        text = _rx(rule["pattern"]).sub(lambda m: f"\n{m.group(0)}\n", text)
    lines = [ln.strip(" \t\u00a0\u3000") for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]

    trace: list[tuple[str, str]] = []  # (label, text) in document order
    body: list[tuple[int, str]] = []  # (index in trace, line)
    summary_at: list[tuple[int, str, str]] = []

    why: dict[int, str] = {}  # trace index -> the rule that dropped it

    def drop(kind: str, line: str, rule: dict) -> None:
        why[len(trace)] = rule.get("note", "")
        trace.append((kind, line))

    for line in lines:
        if rule := _match_any(fur.get("line", []), line):
            drop("furniture", line, rule)
        elif rule := _match_any(fur.get("byline", []), line):
            for key, value in parse_byline(line, fur).items():  # the first byline's value wins
                audit.byline.setdefault(key, value)
            drop("byline", line, rule)
        elif rule := _match_any(fur.get("caption", []), line):
            drop("caption", line, rule)
        elif rule := _match_any(fur.get("summary", []), line):
            summary_at.append((len(trace), line, _rx(rule["pattern"]).search(line).group("body")))
            trace.append(("summary", line))
        else:
            body.append((len(trace), line))
            trace.append(("body", line))

    _drop_trailing_captions(body, trace, why, fur)

    # The first line, if it is not a sentence, is the headline.
    if len(body) > 1 and is_headline(body[0][1], fur):
        idx, line = body.pop(0)
        trace[idx] = ("title", line)
        audit.title = normalise_punctuation(line)[0]
        _drop_front_matter(body, trace, why, fur)

    # A summary is dropped only if its text is in the body; otherwise it stays, flagged.
    joined = _squash("".join(line for _, line in body))
    for idx, line, summary in summary_at:
        if _summary_repeats_body(summary, joined):
            why[idx] = "summary block whose text repeats the lead paragraph"
        else:
            trace[idx] = ("body", line)
            body.append((idx, line))
            body.sort()
            audit.flagged.append({"debris": "", "context": line, "problem": "summary not found in body; kept"})

    audit.dropped = [{"kind": kind, "text": line, "rule": why[i]} for i, (kind, line) in enumerate(trace) if i in why]

    paragraphs = [_cut_inline(line, fur, audit.inline_removed) for _, line in body]
    joined_pars = rejoin_paragraphs([par for par in paragraphs if par], audit.rejoins, fur)

    final = []
    for par in joined_pars:
        par, n = normalise_punctuation(par)
        audit.punctuation_normalised += n
        if par:
            final.append(par)
    audit.chars_out = len("\n".join(final))
    return CleanResult(title=audit.title, paragraphs=final, audit=audit, converted=converted, trace=trace)
