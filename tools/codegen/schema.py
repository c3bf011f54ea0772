"""Parses the op table's schema strings (PyTorch's schema syntax) into plain records.

Shared by the generator and by the differential tests."""
import re
from dataclasses import dataclass, field
from typing import List, Optional


@dataclass
class Arg:
    type: str          # base type without alias annotation: Tensor, Tensor?, int[1]?, ...
    name: str
    default: Optional[str]
    kwonly: bool
    alias: Optional[str] = None  # "a", "a!" ...

    @property
    def optional(self):
        return self.type.endswith("?")

    @property
    def base(self):
        t = self.type.rstrip("?")
        return re.sub(r"\[\d*\]", "[]", t)

    @property
    def fixed_len(self):
        m = re.search(r"\[(\d+)\]", self.type)
        return int(m.group(1)) if m else 0


@dataclass
class Schema:
    name: str
    overload: str
    args: List[Arg]
    returns: List[Arg]
    raw: str = ""

    @property
    def is_inplace(self):
        return self.name.endswith("_")


def _split_top(s):
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def _parse_arg(text, kwonly):
    default = None
    if "=" in text:
        text, default = text.split("=", 1)
        default = default.strip()
    ty, name = text.strip().rsplit(" ", 1)
    alias = None
    m = re.match(r"Tensor\(([a-z!]+)\)(.*)", ty)
    if m:
        alias = m.group(1)
        ty = "Tensor" + m.group(2)
    return Arg(ty, name, default, kwonly, alias)


def parse_schema(s):
    m = re.match(r"\s*([\w]+)(?:\.(\w+))?\((.*)\)\s*->\s*(.*)$", s)
    if not m:
        raise ValueError("bad schema: " + s)
    name, overload, argstr, retstr = m.groups()
    args, kwonly = [], False
    for part in _split_top(argstr):
        if part == "*":
            kwonly = True
            continue
        args.append(_parse_arg(part, kwonly))
    retstr = retstr.strip()
    if retstr.startswith("("):
        rets = [_parse_arg(p if " " in p else p + " result", False)
                for p in _split_top(retstr[1:-1])]
    else:
        rets = [_parse_arg(retstr + " result", False)]
    return Schema(name, overload or "", args, rets, s)


OPTION_ARGS = ("dtype", "layout", "device", "pin_memory")


def has_tensor_options(schema):
    names = [a.name for a in schema.args]
    return all(n in names for n in OPTION_ARGS)
