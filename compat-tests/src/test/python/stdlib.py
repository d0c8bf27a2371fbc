# Common stdlib modules: json, hashlib, sqlite3 in memory, zlib, re, base64, struct, decimal.
import base64
import decimal
import hashlib
import json
import re
import sqlite3
import struct
import zlib

doc = {"name": "cryo", "list": [1, 2.5, None, True], "nested": {"k": "v"}}
text = json.dumps(doc, sort_keys=True)
print(text, json.loads(text) == doc)
print(hashlib.sha256(b"checkpoint").hexdigest())
print(hashlib.md5(b"restore" * 1000).hexdigest())
db = sqlite3.connect(":memory:")
db.execute("create table t (k integer primary key, v text)")
db.executemany("insert into t (v) values (?)", [("row %d" % i,) for i in range(1000)])
print(db.execute("select count(*), sum(k), max(v) from t").fetchone())
data = b"abc" * 10000
packed = zlib.compress(data)
print(len(packed) < len(data), zlib.decompress(packed) == data, zlib.crc32(data))
print(re.findall(r"(\w+)@(\w+)\.org", "a@b.org c@d.org"))
print(base64.b64encode(b"\x00\xffsandbox"))
print(struct.pack("<IQh", 1, 2**40, -3).hex())
decimal.getcontext().prec = 30
print(decimal.Decimal(1) / decimal.Decimal(7))
