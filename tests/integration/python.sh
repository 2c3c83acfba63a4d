#!/usr/bin/env bash
# python3 with subprocess, threading, tempfile, sqlite3 and json: same
# output natively and in the sandbox.
. "$(dirname "$0")/helpers.sh" "$@"

need python3 || { skip python "python3 not installed"; finish; }
python3 -c 'import sqlite3' 2>/dev/null || { skip python "python3 lacks sqlite3"; finish; }

make_py() {
	cat >t.py <<'PY'
import json, os, sqlite3, subprocess, sys, tempfile, threading, hashlib

print("python", sys.version_info[0])
r = subprocess.run(["sh", "-c", "echo from child; exit 4"], capture_output=True, text=True)
print("subprocess", r.returncode, r.stdout.strip())
r = subprocess.run(["cat"], input="piped through\n", capture_output=True, text=True)
print("stdin pipe", r.stdout.strip())
try:
    subprocess.run(["/nonexistent/bin"])
except FileNotFoundError as e:
    print("missing exe", type(e).__name__)
p = subprocess.Popen(["sleep", "10"]); p.terminate(); print("terminated", p.wait())

results = [None] * 8
def work(i):
    with open(f"thread{i}.txt", "w") as f:
        f.write(str(i) * (i + 1))
    with open(f"thread{i}.txt") as f:
        results[i] = hashlib.sha256(f.read().encode()).hexdigest()[:12]
threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print("threads", results)

with tempfile.TemporaryDirectory(dir=".") as d:
    with tempfile.NamedTemporaryFile("w", dir=d, delete=False, suffix=".tmp") as f:
        f.write("temp data")
    print("tempfile", open(f.name).read(), os.path.dirname(f.name) == d)
    print("tmpdir entries", len(os.listdir(d)))
print("tmpdir removed", not os.path.exists(d))
with tempfile.TemporaryFile() as tf:
    tf.write(b"anon"); tf.seek(0); print("TemporaryFile", tf.read())

db = sqlite3.connect("test.db")
db.execute("create table t (id integer primary key, name text, score real)")
db.executemany("insert into t (name, score) values (?, ?)",
               [("ann", 3.5), ("bob", 1.25), ("cy", 9.0), ("dee", 4.75)])
db.commit()
print("sqlite", db.execute("select count(*), sum(score) from t").fetchone())
print("sqlite order", [r[0] for r in db.execute("select name from t order by score desc")])
db.execute("pragma journal_mode=wal").fetchone()
db.execute("update t set score = score * 2 where name = 'bob'"); db.commit()
db.close()
db2 = sqlite3.connect("test.db")
print("sqlite reopen", db2.execute("select score from t where name='bob'").fetchone())
print("integrity", db2.execute("pragma integrity_check").fetchone())

data = {"name": "moat", "list": [1, 2.5, None, True], "nested": {"k": "v"}}
with open("data.json", "w") as f:
    json.dump(data, f, sort_keys=True, indent=1)
with open("data.json") as f:
    back = json.load(f)
print("json", back == data, json.dumps(back, sort_keys=True))

os.mkdir("walk"); open("walk/a", "w").close(); os.makedirs("walk/s/t"); os.symlink("a", "walk/l")
print("walk", sorted((os.path.relpath(r), sorted(ds), sorted(fs)) for r, ds, fs in os.walk("walk")))
st = os.stat("data.json"); print("stat", st.st_size, oct(st.st_mode & 0o777), st.st_uid == os.getuid())
print("cwd", os.getcwd() == os.environ.get("W"))
PY
}
compare_native python_script make_py 'python3 t.py'
compare_native python_multiprocessing make_py \
	'python3 -c "import multiprocessing as m
if __name__ == \"__main__\":
    with m.Pool(2) as p: print(sorted(p.map(abs, range(-5, 5))))"'
compare_native python_sqlite_cli make_py 'python3 t.py >/dev/null && command -v sqlite3 >/dev/null && sqlite3 test.db "select name from t order by id" || echo no-cli'
finish
