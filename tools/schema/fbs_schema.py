"""fbs_schema.py — a parser for the subset of the FlatBuffers schema language that tern.fbs uses.

Shared by gen_c.py (C accessors + verifiers) and the tests' broken-file generator, so both read field ids
and types from runtime/schema/tern.fbs itself. Supported: namespace, enums with an explicit integral
underlying type, tables whose fields are scalars, enums, strings, tables, vectors of scalars / strings /
tables, with defaults; root_type, file_identifier, file_extension. Anything else is an error, so a schema
change that needs more support fails loudly instead of generating wrong code.
"""
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional

# FlatBuffers scalar types: (C type, size in bytes, struct format for Python packing).
SCALARS = {
    "bool": ("uint8_t", 1, "B"), "byte": ("int8_t", 1, "b"), "ubyte": ("uint8_t", 1, "B"),
    "short": ("int16_t", 2, "h"), "ushort": ("uint16_t", 2, "H"), "int": ("int32_t", 4, "i"),
    "uint": ("uint32_t", 4, "I"), "float": ("float", 4, "f"), "long": ("int64_t", 8, "q"),
    "ulong": ("uint64_t", 8, "Q"), "double": ("double", 8, "d"),
    "int8": ("int8_t", 1, "b"), "uint8": ("uint8_t", 1, "B"), "int16": ("int16_t", 2, "h"),
    "uint16": ("uint16_t", 2, "H"), "int32": ("int32_t", 4, "i"), "uint32": ("uint32_t", 4, "I"),
    "int64": ("int64_t", 8, "q"), "uint64": ("uint64_t", 8, "Q"), "float32": ("float", 4, "f"),
    "float64": ("double", 8, "d"),
}


@dataclass
class Enum:
    name: str
    underlying: str
    values: Dict[str, int]


@dataclass
class Field:
    name: str
    id: int
    kind: str              # "scalar" | "enum" | "string" | "table" | "vector"
    type: str              # scalar type, enum name, table name; for vectors the element's type
    elem_kind: Optional[str] = None  # vectors: "scalar" | "enum" | "string" | "table"
    default: Optional[str] = None    # as written in the schema, already resolved for enums to an int


@dataclass
class Table:
    name: str
    fields: List[Field] = field(default_factory=list)


@dataclass
class Schema:
    namespace: str = ""
    enums: Dict[str, Enum] = field(default_factory=dict)
    tables: Dict[str, Table] = field(default_factory=dict)
    root_type: str = ""
    file_identifier: str = ""
    file_extension: str = ""

    def scalar_type(self, f: Field) -> str:
        """The wire scalar type of a scalar/enum field or vector element."""
        return self.enums[f.type].underlying if (f.kind == "enum" or f.elem_kind == "enum") else f.type


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def parse(text: str) -> Schema:
    schema = Schema()
    text = _strip_comments(text)
    pos = 0
    item = re.compile(r"\s*(namespace|enum|table|root_type|file_identifier|file_extension)\b")
    pending = []
    while True:
        m = item.match(text, pos)
        if not m:
            if text[pos:].strip():
                raise ValueError("unsupported schema text near: %r" % text[pos:pos + 60].strip())
            break
        word = m.group(1)
        if word in ("table", "enum"):
            close = text.index("}", m.end())
            header, body = text[m.end():close].split("{", 1)
            pos = close + 1
            if word == "enum":
                name, underlying = [s.strip() for s in header.split(":")]
                if underlying not in SCALARS or SCALARS[underlying][2] in "fd":
                    raise ValueError("enum %s needs an integral underlying type" % name)
                values, next_value = {}, 0
                for entry in [e.strip() for e in body.split(",") if e.strip()]:
                    if "=" in entry:
                        key, value = [s.strip() for s in entry.split("=")]
                        next_value = int(value, 0)
                    else:
                        key = entry
                    values[key] = next_value
                    next_value += 1
                schema.enums[name] = Enum(name, underlying, values)
            else:
                table = Table(header.strip())
                for index, decl in enumerate([d.strip() for d in body.split(";") if d.strip()]):
                    fm = re.fullmatch(r"(\w+)\s*:\s*(\[?\s*\w+\s*\]?)\s*(?:=\s*([^()]+?))?\s*", decl)
                    if not fm:
                        raise ValueError("unsupported field in table %s: %r" % (table.name, decl))
                    table.fields.append(Field(fm.group(1), index, "", fm.group(2).replace(" ", ""),
                                              default=fm.group(3)))
                schema.tables[table.name] = table
                pending.append(table)
        else:
            end = text.index(";", m.end())
            value = text[m.end():end].strip().strip('"')
            pos = end + 1
            setattr(schema, word, value)
    for table in pending:
        for f in table.fields:
            _resolve(schema, table, f)
    if schema.root_type not in schema.tables:
        raise ValueError("root_type %r is not a table" % schema.root_type)
    return schema


def _classify(schema: Schema, type_name: str) -> str:
    if type_name in SCALARS:
        return "scalar"
    if type_name in schema.enums:
        return "enum"
    if type_name == "string":
        return "string"
    if type_name in schema.tables:
        return "table"
    raise ValueError("unknown type %r" % type_name)


def _resolve(schema: Schema, table: Table, f: Field) -> None:
    if f.type.startswith("["):
        f.kind, f.type = "vector", f.type[1:-1]
        f.elem_kind = _classify(schema, f.type)
        if f.default is not None:
            raise ValueError("%s.%s: vectors take no default" % (table.name, f.name))
        return
    f.kind = _classify(schema, f.type)
    if f.kind == "enum":
        values = schema.enums[f.type].values
        if f.default is None:
            f.default = "0"
        elif f.default in values:
            f.default = str(values[f.default])
        else:
            raise ValueError("%s.%s: unknown enum default %r" % (table.name, f.name, f.default))
    elif f.kind == "scalar":
        if f.default is None:
            f.default = "0"
        elif f.type == "bool":
            f.default = {"true": "1", "false": "0"}.get(f.default, f.default)
    elif f.default is not None:
        raise ValueError("%s.%s: only scalars take defaults" % (table.name, f.name))
