#!/usr/bin/env python3
"""End to end against moto_server (an AWS emulator): seed a primary (us-west-2) and a DR region
(us-east-1) as the MANGU DR plan describes them, run the library's regional failover with
`drsim drill run --execute --endpoint-url`, verify the resulting state with independent `aws`
calls, check the drill record with `drsim drill check`, and read the state with `drsim discover`.

Skips (exit 77, saying why) when the AWS CLI v2 or a Python with moto is not available.
Set DRSIM_MOTO_PYTHON to the Python that has moto installed.

usage: check_moto_drill.py SOURCE_DIR DRSIM
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

SOURCE, DRSIM = sys.argv[1], sys.argv[2]
AWS = "/usr/bin/aws"
SCENARIO = os.path.join(SOURCE, "scenarios/library/mangu-regional-failover.json")
CHECKLIST = os.path.join(SOURCE, "scenarios/checklists/mangu-quarterly-drill.json")


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


def moto_python():
    candidates = [os.environ.get("DRSIM_MOTO_PYTHON"), shutil.which("python3"),
                  os.path.expanduser("~/.pyenv/shims/python3"), "/usr/bin/python3"]
    for py in candidates:
        if py and os.path.exists(py):
            ok = subprocess.run([py, "-c", "import moto.server"], capture_output=True)
            if ok.returncode == 0:
                return py
    return None


def env():
    e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    e.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
              "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
              "AWS_EC2_METADATA_DISABLED": "true", "AWS_MAX_ATTEMPTS": "2"})
    return e


if not os.path.exists(AWS) or not subprocess.run([AWS, "--version"], capture_output=True,
                                                 text=True).stdout.startswith("aws-cli/2."):
    skip("the AWS CLI v2 (/usr/bin/aws) is not installed: apt-get install awscli")
PY = moto_python()
if PY is None:
    skip("no Python with moto (pip install 'moto[server]', or set DRSIM_MOTO_PYTHON)")

sock = socket.socket()
sock.bind(("127.0.0.1", 0))
PORT = sock.getsockname()[1]
sock.close()
URL = "http://127.0.0.1:%d" % PORT
moto = subprocess.Popen([PY, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(PORT)],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def aws(*args, region="us-east-1"):
    r = subprocess.run([AWS, *args, "--region", region, "--endpoint-url", URL, "--output", "json",
                        "--no-cli-pager"], capture_output=True, text=True, env=env())
    if r.returncode != 0:
        raise AssertionError("aws %s: %s" % (" ".join(args), r.stderr))
    return json.loads(r.stdout) if r.stdout.strip() else None


failures = []


def expect(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        failures.append(what)


try:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(URL + "/moto-api/", timeout=2)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise AssertionError("moto_server did not start")
            time.sleep(0.3)

    # ---- the primary region (us-west-2) and the DR region (us-east-1), as in MANGU's plan ----
    aws("rds", "create-db-instance", "--db-instance-identifier", "mangu-publishing-db-production",
        "--db-instance-class", "db.r6g.xlarge", "--engine", "postgres", "--allocated-storage", "200",
        "--master-username", "mangu", "--master-user-password", "not-a-real-one", region="us-west-2")
    aws("rds", "create-db-snapshot", "--db-instance-identifier", "mangu-publishing-db-production",
        "--db-snapshot-identifier", "mangu-20261121-0300", region="us-west-2")
    aws("rds", "copy-db-snapshot", "--source-db-snapshot-identifier",
        "arn:aws:rds:us-west-2:123456789012:snapshot:mangu-20261121-0300",
        "--target-db-snapshot-identifier", "mangu-dr-20261121-0300", "--source-region", "us-west-2")
    vpc = aws("ec2", "create-vpc", "--cidr-block", "10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [aws("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.1.%d.0/24" % i,
                   "--availability-zone", "us-east-1" + az)["Subnet"]["SubnetId"]
               for i, az in ((1, "a"), (2, "b"))]
    aws("rds", "create-db-subnet-group", "--db-subnet-group-name", "mangu-db-subnet-group-dr",
        "--db-subnet-group-description", "DR", "--subnet-ids", *subnets)
    aws("ecs", "create-cluster", "--cluster-name", "mangu-publishing-cluster-dr")
    aws("ecs", "register-task-definition", "--family", "mangu", "--container-definitions",
        json.dumps([{"name": "app", "image": "mangu/app", "memory": 512}]))
    for service in ("mangu-publishing-server-production", "mangu-publishing-client-production"):
        aws("ecs", "create-service", "--cluster", "mangu-publishing-cluster-dr", "--service-name",
            service, "--task-definition", "mangu", "--desired-count", "0")
    for region in ("us-west-2", "us-east-1"):
        aws("secretsmanager", "create-secret", "--name", "/mangu/production/DATABASE_URL",
            "--secret-string", "postgresql://app@mangu-publishing-db-production:5432/mangu_production",
            region=region)
    for region in ("us-west-2", "us-east-1"):
        bucket = "mangu-assets-" + region
        aws("s3api", "create-bucket", "--bucket", bucket, *(
            ["--create-bucket-configuration", "LocationConstraint=" + region] if region != "us-east-1" else []),
            region=region)
        aws("s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration",
            "Status=Enabled", region=region)
    aws("s3api", "put-bucket-replication", "--bucket", "mangu-assets-us-west-2", "--replication-configuration",
        json.dumps({"Role": "arn:aws:iam::123456789012:role/replication", "Rules": [
            {"ID": "dr", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
             "DeleteMarkerReplication": {"Status": "Enabled"},
             "Destination": {"Bucket": "arn:aws:s3:::mangu-assets-us-east-1"}}]}), region="us-west-2")
    zone = aws("route53", "create-hosted-zone", "--name", "mangu-publishing.com", "--caller-reference",
               "drsim-test")["HostedZone"]["Id"].split("/")[-1]
    aws("route53", "change-resource-record-sets", "--hosted-zone-id", zone, "--change-batch", json.dumps(
        {"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
            "Name": "api.mangu-publishing.com", "Type": "A", "AliasTarget": {
                "HostedZoneId": "PROD_ALB_ZONE", "DNSName": "prod-alb.us-west-2.elb.amazonaws.com",
                "EvaluateTargetHealth": True}}}]}))

    # ---- the drill ----
    with open(SCENARIO) as f:
        runbook = json.load(f)["runbook"]
    dns = next(i for i, s in enumerate(runbook) if s["id"] == "dns-failover")
    with tempfile.TemporaryDirectory() as tmp:
        record = os.path.join(tmp, "record.json")
        confirm = os.path.join(tmp, "confirm.json")
        with open(confirm, "w") as f:
            json.dump({s["id"]: "ok" for s in runbook if "aws" not in s or s["id"] == "terraform-apply"}, f)
        live = {"accounts": ["123456789012"], "regions": ["us-west-2", "us-east-1"],
                "marked": ["mangu-*", "/mangu/*", zone]}
        run = subprocess.run(
            [DRSIM, "drill", "run", SCENARIO, "--backend", "live", "--endpoint-url", URL, "--execute",
             "--aws", AWS, "--record", record, "--confirm", confirm, "--poll-delay", "1s",
             "--drill", "moto staging failover",
             "--set", "live=" + json.dumps(live),
             "--set", "/runbook/%d/aws=%s" % (dns, runbook[dns]["aws"].replace("Z1234567890ABC", zone))],
            capture_output=True, text=True, env=env(), cwd=tmp, timeout=600)
        print(run.stdout + run.stderr)
        expect(run.returncode == 0, "drsim drill run --execute completes against moto")
        with open(record) as f:
            rec = json.load(f)
        outcomes = {s["id"]: s["outcome"] for s in rec["steps"]}
        expect(all(outcomes[s] == "ok" for s in ("restore", "wait-db", "update-secret", "scale-server",
                                                  "wait-ecs", "dns-failover")),
               "the record has the restore, the secret, ECS and DNS steps ok: %s" % outcomes)
        expect("stopped" not in rec, "the record does not say the drill stopped")
        with open(record) as f:
            expect("username:password" not in f.read(), "the secret's value is masked in the record")

        # ---- the state, read independently ----
        db = aws("rds", "describe-db-instances", "--db-instance-identifier",
                 "mangu-publishing-db-dr-production")["DBInstances"][0]
        expect(db["DBInstanceStatus"] == "available", "the restored instance exists in the DR region")
        address = db["Endpoint"]["Address"]
        secret = aws("secretsmanager", "get-secret-value", "--secret-id",
                     "/mangu/production/DATABASE_URL")["SecretString"]
        expect(address in secret, "the DR region's secret points at the restored instance")
        expect(address not in aws("secretsmanager", "get-secret-value", "--secret-id",
                                  "/mangu/production/DATABASE_URL", region="us-west-2")["SecretString"],
               "the primary region's secret is untouched")
        records = aws("route53", "list-resource-record-sets", "--hosted-zone-id", zone)["ResourceRecordSets"]
        api = [r for r in records if r["Name"].rstrip(".") == "api.mangu-publishing.com"]
        expect(len(api) == 1 and api[0]["AliasTarget"]["DNSName"].rstrip(".") ==
               "dr-alb.us-east-1.elb.amazonaws.com", "the DNS record points at the DR target: %s" % api)
        services = aws("ecs", "describe-services", "--cluster", "mangu-publishing-cluster-dr", "--services",
                       "mangu-publishing-server-production", "mangu-publishing-client-production")["services"]
        expect(sorted(s["desiredCount"] for s in services) == [2, 3], "the DR services are scaled up")

        # ---- the drill check ----
        check = subprocess.run([DRSIM, "drill", "check", record, "--checklist", CHECKLIST,
                                "--scenario", SCENARIO, "--trials", "200"], capture_output=True, text=True)
        print(check.stdout + check.stderr)
        expect(check.returncode in (0, 1) and "PASS" in check.stdout,
               "drsim drill check reads the record and checks it")

        # ---- discover ----
        topo = os.path.join(tmp, "topology.json")
        disc = subprocess.run([DRSIM, "discover", "--backend", "live", "--endpoint-url", URL, "--regions",
                               "us-west-2,us-east-1", "--out", topo], capture_output=True, text=True, env=env())
        print(disc.stdout + disc.stderr)
        expect(disc.returncode == 0, "drsim discover runs against moto")
        if disc.returncode == 0:
            with open(topo) as f:
                t = json.load(f)
            ids = {(d["id"], d["region"]) for d in t["topology"]["rds"]}
            expect(("mangu-publishing-db-production", "us-west-2") in ids and
                   ("mangu-publishing-db-dr-production", "us-east-1") in ids, "discover finds both instances")
            expect(any(s["name"] == "/mangu/production/DATABASE_URL" and s["region"] == "us-east-1"
                       for s in t["topology"]["secrets"]), "discover finds the DR secret")
            expect({z["name"] for z in t["topology"]["dns"]["zones"]} == {"mangu-publishing.com"},
                   "discover finds the hosted zone")
            expect("PASS  versioning on: mangu-assets-us-west-2" in disc.stdout and
                   "PASS  replication configured: mangu-assets-us-west-2: to mangu-assets-us-east-1" in disc.stdout
                   and "FAIL  replication configured: mangu-assets-us-east-1" in disc.stdout and
                   "PASS  cross-region copy of mangu-publishing-db-production's snapshots" in disc.stdout,
                   "discover reports the backup checks (versioning, replication, cross-region copy)")
            # A scenario can start from it.
            scenario = os.path.join(tmp, "from-discovery.json")
            with open(scenario, "w") as f:
                json.dump({"name": "from-discovery", "include": ["topology.json"],
                           "objectives": {"rto": "4h"},
                           "failures": [{"kind": "region-outage", "region": "us-west-2", "duration": "8h"}],
                           "detection": {"delay": "5m"},
                           "runbook": [{"id": "check", "aws": "aws rds describe-db-instances --db-instance-identifier "
                                        "mangu-publishing-db-dr-production --region us-east-1"}],
                           "service": {"dns": "api.mangu-publishing.com",
                                       "databases": ["mangu-publishing-db-dr-production"]}}, f)
            sim = subprocess.run([DRSIM, "run", scenario, "-n", "50"], capture_output=True, text=True)
            expect(sim.returncode == 0, "a scenario including the discovered topology runs: " + sim.stderr)
finally:
    moto.terminate()
    moto.wait()
sys.exit(1 if failures else 0)
