#!/usr/bin/env python3
"""`drsim drill run --execute` with the real AWS CLI v2 (/usr/bin/aws) against a local endpoint
this test starts: an HTTP server answering the RDS and STS query protocol as AWS does.

Checks that the requests are well-formed, that AWS errors and throttling map to drsim's errors,
that waiters poll with the configured delay and give up at their limit, that the guard rails
stop a run before any change (dry run, wrong account, region outside the allow-list,
unmarked resource), that Ctrl-C stops after the current call and says where, that a killed
run leaves a valid drill record up to the last finished step, and that credentials appear
nowhere. Skips (exit 77) when the AWS CLI v2 is absent.

usage: check_live_drill.py SOURCE_DIR DRSIM
"""
import http.server
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

SOURCE, DRSIM = sys.argv[1], sys.argv[2]
AWS = "/usr/bin/aws"
SCENARIO = os.path.join(SOURCE, "tests/live/restore-drill.json")
SECRET = "drill-test-secret-key-never-printed"


def cli_v2():
    try:
        out = subprocess.run([AWS, "--version"], capture_output=True, text=True, timeout=60)
    except OSError:
        return False
    return out.stdout.startswith("aws-cli/2.")


class FakeAws:
    """RDS and STS over the query protocol. `statuses` is what DescribeDBInstances answers,
    poll after poll (the last one repeats); `errors` maps an Action to (http status, code)."""

    def __init__(self, account="123456789012", statuses=("available",), errors=None):
        self.account, self.statuses, self.errors = account, list(statuses), errors or {}
        self.requests = []  # (time, action, form, region)
        self.lock = threading.Lock()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                form = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
                auth = self.headers.get("Authorization", "")
                # Credential=AKID/20261121/us-east-1/rds/aws4_request
                scope = auth.split("Credential=")[1].split(",")[0].split("/") if "Credential=" in auth else []
                region = scope[2] if len(scope) > 2 else ""
                with fake.lock:
                    fake.requests.append((time.monotonic(), form.get("Action"), form, region, auth))
                    status, text = fake.answer(form)
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text.encode())

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()

    def actions(self):
        with self.lock:
            return [r[1] for r in self.requests]

    def answer(self, form):
        action = form.get("Action")
        if action in self.errors:
            status, code = self.errors[action]
            return status, ("<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code>"
                            "<Message>%s went wrong</Message></Error><RequestId>r1</RequestId>"
                            "</ErrorResponse>" % (code, action))
        if action == "GetCallerIdentity":
            body = ("<Arn>arn:aws:iam::%s:user/drill</Arn><UserId>AIDA</UserId><Account>%s</Account>"
                    % (self.account, self.account))
        elif action == "DescribeDBSnapshots":
            snaps = [("drill-db-2026-11-19", "2026-11-19T03:00:00Z"), ("drill-db-2026-11-20", "2026-11-20T03:00:00Z"),
                     ("drill-db-2026-11-18", "2026-11-18T03:00:00Z")]
            body = "<DBSnapshots>%s</DBSnapshots>" % "".join(
                "<DBSnapshot><DBSnapshotIdentifier>%s</DBSnapshotIdentifier><SnapshotCreateTime>%s"
                "</SnapshotCreateTime><Status>available</Status></DBSnapshot>" % s for s in snaps)
        elif action == "RestoreDBInstanceFromDBSnapshot":
            body = ("<DBInstance><DBInstanceIdentifier>%s</DBInstanceIdentifier>"
                    "<DBInstanceStatus>creating</DBInstanceStatus></DBInstance>" % form["DBInstanceIdentifier"])
        elif action == "DescribeDBInstances":
            polls = sum(1 for r in self.requests if r[1] == "DescribeDBInstances")
            status = self.statuses[min(polls, len(self.statuses)) - 1]
            body = ("<DBInstances><DBInstance><DBInstanceIdentifier>%s</DBInstanceIdentifier>"
                    "<DBInstanceStatus>%s</DBInstanceStatus><Endpoint><Address>%s.abc.us-east-1.rds.amazonaws.com"
                    "</Address><Port>5432</Port></Endpoint></DBInstance></DBInstances>"
                    % (form["DBInstanceIdentifier"], status, form["DBInstanceIdentifier"]))
        else:
            return 400, ("<ErrorResponse><Error><Code>InvalidAction</Code><Message>%s</Message></Error>"
                         "</ErrorResponse>" % action)
        return 200, "<{0}Response><{0}Result>{1}</{0}Result><ResponseMetadata><RequestId>r1</RequestId>" \
                    "</ResponseMetadata></{0}Response>".format(action, body)


def env():
    e = dict(os.environ)
    for k in list(e):
        if k.startswith("AWS_"):
            del e[k]
    e.update({"AWS_ACCESS_KEY_ID": "AKIADRILLTEST", "AWS_SECRET_ACCESS_KEY": SECRET,
              "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
              "AWS_EC2_METADATA_DISABLED": "true", "AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "standard"})
    return e


class Run:
    def __init__(self, fake, tmp, *extra, confirm=None, wait=True):
        self.record = os.path.join(tmp, "record.json")
        if os.path.exists(self.record):
            os.unlink(self.record)
        confirm_path = os.path.join(tmp, "confirm.json")
        with open(confirm_path, "w") as f:
            json.dump(confirm if confirm is not None else {"assess": "ok", "smoke": "ok"}, f)
        self.argv = [DRSIM, "drill", "run", SCENARIO, "--execute", "--endpoint-url", fake.url,
                     "--record", self.record, "--confirm", confirm_path, *extra]
        if "--aws" not in extra:
            self.argv += ["--aws", AWS]
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=env(), cwd=tmp)
        if wait:
            self.finish()

    def finish(self):
        self.out, self.err = self.proc.communicate(timeout=300)
        self.code = self.proc.returncode
        assert SECRET not in self.out + self.err, "the secret key was printed"
        return self

    def load(self):
        with open(self.record) as f:
            text = f.read()
        assert SECRET not in text, "the secret key is in the drill record"
        return json.loads(text)


failures = []


def check(name, fn):
    with tempfile.TemporaryDirectory() as tmp:
        try:
            fn(tmp)
            print("ok    %s" % name)
        except AssertionError as e:
            failures.append(name)
            print("FAIL  %s: %s" % (name, e))


def steps(record):
    return {s["id"]: s for s in record["steps"]}


def test_full_run(tmp):
    fake = FakeAws(statuses=["creating", "creating", "available"])
    try:
        r = Run(fake, tmp, "--poll-delay", "2s", "--drill", "test drill")
    finally:
        fake.close()
    assert r.code == 0, (r.code, r.err)
    acts = fake.actions()
    assert acts[0] == "GetCallerIdentity", acts  # the account is checked before anything else
    assert acts.count("RestoreDBInstanceFromDBSnapshot") == 1, acts
    restore = next(req for req in fake.requests if req[1] == "RestoreDBInstanceFromDBSnapshot")
    form, region, auth = restore[2], restore[3], restore[4]
    # Well-formed: the newest snapshot bound by the --query, the flag as a boolean, the region.
    assert form["DBInstanceIdentifier"] == "drill-db-restored", form
    assert form["DBSnapshotIdentifier"] == "drill-db-2026-11-20", form
    assert form["MultiAZ"] == "true", form
    assert form["Version"] == "2014-10-31", form
    assert region == "us-east-1", region
    assert auth.startswith("AWS4-HMAC-SHA256 Credential=AKIADRILLTEST/"), auth
    # The waiter polled until available, 2 s apart (not the CLI's 30 s): a gap is the delay
    # plus the CLI's own start-up.
    polls = [req[0] for req in fake.requests if req[1] == "DescribeDBInstances"]
    assert len(polls) == 3 + 1, polls  # 3 waiter polls, then the endpoint step
    gaps = [b - a for a, b in zip(polls, polls[1:3])]
    assert all(1.95 <= g < 8 for g in gaps), gaps
    rec = r.load()
    st = steps(rec)
    assert [s["id"] for s in rec["steps"]] == ["assess", "latest", "restore", "wait", "endpoint", "smoke"]
    assert all(s["outcome"] == "ok" for s in rec["steps"]), rec["steps"]
    assert "stopped" not in rec
    assert rec["drill"] == "test drill" and rec["scenario"] == "live-restore-drill"
    assert "--db-snapshot-identifier drill-db-2026-11-20" in st["restore"]["command"], st["restore"]
    assert rec["observations"][0]["name"] == "service-recovered"
    # The drill checker reads it.
    checklist = os.path.join(tmp, "checklist.json")
    with open(checklist, "w") as f:
        json.dump({"name": "t", "items": [
            {"id": "restored", "text": "restore and wait succeed",
             "check": {"all": [{"step": "restore", "outcome": "ok"}, {"step": "wait", "max": "1h"}]}},
            {"id": "rto", "text": "RTO", "check": {"metric": "rto", "max": "2h"}}]}, f)
    c = subprocess.run([DRSIM, "drill", "check", r.record, "--checklist", checklist],
                       capture_output=True, text=True)
    assert c.returncode == 0, c.stdout + c.stderr


def test_errors_map(tmp):
    fake = FakeAws(errors={"RestoreDBInstanceFromDBSnapshot": (404, "DBSnapshotNotFound")})
    try:
        r = Run(fake, tmp)
    finally:
        fake.close()
    assert r.code == 1, (r.code, r.err)
    rec = r.load()
    st = steps(rec)
    assert st["restore"]["outcome"] == "failed", st
    assert st["restore"]["detail"].startswith("DBSnapshotNotFound: "), st["restore"]
    assert "wait" not in st, st  # the runbook aborts on a failed step
    assert rec["stopped"]["step"] == "restore", rec["stopped"]

    fake = FakeAws(errors={"DescribeDBSnapshots": (400, "Throttling")})
    try:
        r = Run(fake, tmp)
    finally:
        fake.close()
    st = steps(r.load())
    assert st["latest"]["detail"].startswith("Throttling: "), st["latest"]

    # An RDS "...Fault" code maps to the mock's name; an unknown one is kept as AWS said it.
    fake = FakeAws(errors={"DescribeDBSnapshots": (404, "DBInstanceNotFoundFault")})
    try:
        r = Run(fake, tmp)
    finally:
        fake.close()
    assert steps(r.load())["latest"]["detail"].startswith("DBInstanceNotFound: "), r.load()


def test_waiter_gives_up(tmp):
    fake = FakeAws(statuses=["creating"])
    try:
        r = Run(fake, tmp, "--poll-delay", "200ms", "--max-polls", "3")
    finally:
        fake.close()
    assert r.code == 1, (r.code, r.err)
    st = steps(r.load())
    assert fake.actions().count("DescribeDBInstances") == 3, fake.actions()
    assert st["wait"]["outcome"] == "failed"
    assert "gave up after 3 polls" in st["wait"]["detail"], st["wait"]

    fake = FakeAws(statuses=["creating", "failed"])
    try:
        r = Run(fake, tmp, "--poll-delay", "200ms")
    finally:
        fake.close()
    st = steps(r.load())
    assert fake.actions().count("DescribeDBInstances") == 2, fake.actions()
    assert "waiter db-instance-available failed" in st["wait"]["detail"], st["wait"]


def refused(tmp, fake, *extra, calls=()):
    r = Run(fake, tmp, *extra)
    fake.close()
    assert r.code == 2, (r.code, r.out, r.err)
    assert "refused before any change" in r.err, r.err
    assert fake.actions() == list(calls), fake.actions()
    assert not os.path.exists(r.record), "a refused run wrote a record"
    return r


def test_guard_rails(tmp):
    # A dry run calls nothing at all.
    fake = FakeAws()
    r = subprocess.run([DRSIM, "drill", "run", SCENARIO, "--endpoint-url", fake.url],
                       capture_output=True, text=True, env=env())
    fake.close()
    assert r.returncode == 0 and "Dry run: nothing was called" in r.stdout, r.stdout + r.stderr
    assert fake.actions() == [], fake.actions()
    # Another account: only the identity call is made.
    r = refused(tmp, FakeAws(account="999999999999"), calls=["GetCallerIdentity"])
    assert "account 999999999999, which is not in the allow-list" in r.err, r.err
    # A region outside the allow-list, an unmarked resource: refused before any call.
    config = os.path.join(tmp, "config.json")
    with open(config, "w") as f:
        json.dump({"regions": ["eu-west-1"]}, f)
    r = refused(tmp, FakeAws(), "--set", "live.regions=[\"eu-west-1\"]")
    assert "calls region us-east-1, which is not in the allow-list" in r.err, r.err
    r = refused(tmp, FakeAws(), "--set", "live.marked=[\"prod-*\"]")
    assert "changes drill-db-restored, which is not marked for drills" in r.err, r.err
    # The allow-list can come from a config file instead.
    r = refused(tmp, FakeAws(), "--set", "live.accounts=[]", "--set", "live.regions=[]")
    assert "no account allow-list" in r.err, r.err
    with open(config, "w") as f:
        json.dump({"accounts": ["123456789012"], "regions": ["us-east-1"]}, f)
    fake = FakeAws()
    r = Run(fake, tmp, "--set", "live.accounts=[]", "--set", "live.regions=[]", "--config", config)
    fake.close()
    assert r.code == 0, (r.code, r.err)


def test_interrupt_and_kill(tmp):
    # Ctrl-C while the waiter polls: it stops after the call in flight and says where.
    fake = FakeAws(statuses=["creating"])
    r = Run(fake, tmp, "--poll-delay", "300ms", wait=False)
    deadline = time.monotonic() + 60
    while fake.actions().count("DescribeDBInstances") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    r.proc.send_signal(signal.SIGINT)
    r.finish()
    fake.close()
    assert r.code == 1, (r.code, r.err)
    rec = r.load()
    st = steps(rec)
    assert st["restore"]["outcome"] == "ok" and st["wait"]["outcome"] == "failed", st
    assert "stopped by the operator" in st["wait"]["detail"], st["wait"]
    assert rec["stopped"]["step"] == "wait" and "Ctrl-C" in rec["stopped"]["reason"], rec["stopped"]

    # Killed outright: the record on disk is valid JSON up to the last finished step.
    fake = FakeAws(statuses=["creating"])
    r = Run(fake, tmp, "--poll-delay", "300ms", wait=False)
    deadline = time.monotonic() + 60
    while fake.actions().count("DescribeDBInstances") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    r.proc.kill()
    r.finish()
    fake.close()
    rec = r.load()
    assert [s["id"] for s in rec["steps"]] == ["assess", "latest", "restore", "wait"], rec["steps"]
    assert all(s["outcome"] == "ok" and "ended" in s for s in rec["steps"][:3]), rec["steps"]
    assert rec["steps"][3]["outcome"] == "running" and "ended" not in rec["steps"][3]
    try:
        import jsonschema
    except ImportError:
        jsonschema = None
    if jsonschema:
        with open(os.path.join(SOURCE, "schema/drill-record.schema.json")) as f:
            jsonschema.validate(rec, json.load(f))
    leftovers = [n for n in os.listdir(tmp) if n.startswith(".record.json.tmp")]
    assert leftovers == [], leftovers


def test_not_cli_v2(tmp):
    fake_cli = os.path.join(tmp, "aws")
    with open(fake_cli, "w") as f:
        f.write("#!/bin/sh\necho 'aws-cli/1.29.0 Python/3.11.2 Linux/6.1 botocore/1.31.0'\n")
    os.chmod(fake_cli, 0o755)
    fake = FakeAws()
    r = Run(fake, tmp, "--aws", fake_cli)
    fake.close()
    assert r.code == 2 and "is not the AWS CLI v2" in r.err and "aws-cli/1.29.0" in r.err, r.err
    assert fake.actions() == []


if not cli_v2():
    print("SKIP: the AWS CLI v2 (%s) is not installed: apt-get install awscli" % AWS)
    sys.exit(77)
check("a full drill: well-formed requests, waiter delay, a record the checker reads", test_full_run)
check("AWS errors and throttling map to drsim's errors", test_errors_map)
check("waiters give up at their limit and stop on a failure state", test_waiter_gives_up)
check("guard rails: dry run, account, region, unmarked resource, config file", test_guard_rails)
check("Ctrl-C stops after the call; a killed run leaves a valid record", test_interrupt_and_kill)
check("anything but aws-cli/2.* is refused", test_not_cli_v2)
sys.exit(1 if failures else 0)
