"""Apache Kafka in KRaft mode from Maven Central jars: one node that is both broker and controller."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import fcntl
import inspect
import logging
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

from greenmarket.infra.stack.component import Component
from greenmarket.infra.stack.config import (
    KAFKA_ARTIFACT,
    KAFKA_VERSION,
    SLF4J_ARTIFACTS,
    StackConfig,
)
from greenmarket.infra.stack.process import (
    StackError,
    port_open,
    run_async,
    start_detached,
)
from greenmarket.infra.stack.system import require_binary

log = logging.getLogger(__name__)

JVM_OPTIONS = [
    "-Xms256m",
    "-Xmx768m",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-Djava.awt.headless=true",
    "-Dorg.slf4j.simpleLogger.showDateTime=true",
    "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss.SSS",
    "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=warn",
    "-Dorg.slf4j.simpleLogger.log.state.change.logger=warn",  # a line per partition otherwise
]

FETCH_TIMEOUT_S = 900


def _required_jars() -> list[str]:
    coordinates = [f"{KAFKA_ARTIFACT}:{KAFKA_VERSION}", *SLF4J_ARTIFACTS]
    return [f"{c.split(':')[1]}-{c.split(':')[2]}.jar" for c in coordinates]


def kafka_jars_present(libs: Path) -> bool:
    return all((libs / jar).is_file() for jar in _required_jars())


def fetch_kafka_jars(kafka_home: Path) -> Path:
    """Copy the broker's jars from Maven Central into `<kafka_home>/libs` once; later calls reuse them."""
    libs = kafka_home / "libs"
    if kafka_jars_present(libs):
        return libs
    kafka_home.mkdir(parents=True, exist_ok=True)
    with _file_lock(kafka_home / ".fetch.lock"):
        if kafka_jars_present(libs):  # another process fetched while we waited
            return libs
        mvn = require_binary("mvn", "maven")
        pom = kafka_home / "pom.xml"
        pom.write_text(_pom(), encoding="utf-8")
        partial = kafka_home / f"libs.partial-{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        argv = [mvn, "-q", "-B", "-f", str(pom), "dependency:copy-dependencies", f"-DoutputDirectory={partial}"]
        log.info("fetching Kafka %s jars from Maven Central into %s", KAFKA_VERSION, libs)
        try:
            proc = subprocess.run(
                argv, capture_output=True, text=True, timeout=FETCH_TIMEOUT_S, stdin=subprocess.DEVNULL, check=False
            )
        except subprocess.TimeoutExpired:
            raise StackError(f"fetching Kafka jars with Maven took over {FETCH_TIMEOUT_S}s: {' '.join(argv)}") from None
        if proc.returncode != 0 or not kafka_jars_present(partial):
            shutil.rmtree(partial, ignore_errors=True)
            raise StackError(
                "could not fetch the Kafka broker jars from Maven Central "
                f"(`{' '.join(argv)}` exit {proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}"
            )
        shutil.rmtree(libs, ignore_errors=True)
        partial.rename(libs)
    return libs


def _pom() -> str:
    deps = []
    for coordinates in (f"{KAFKA_ARTIFACT}:{KAFKA_VERSION}", *SLF4J_ARTIFACTS):
        group, artifact, version = coordinates.split(":")
        deps.append(
            f"    <dependency><groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
            f"<version>{version}</version></dependency>"
        )
    return (
        '<project xmlns="http://maven.apache.org/POM/4.0.0">\n'
        "  <modelVersion>4.0.0</modelVersion>\n"
        "  <groupId>greenmarket.local</groupId><artifactId>kafka-broker-jars</artifactId><version>1</version>\n"
        "  <dependencies>\n" + "\n".join(deps) + "\n  </dependencies>\n</project>\n"
    )


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def random_cluster_id() -> str:
    """The same format as `kafka-storage random-uuid`: url-safe base64 of 16 random bytes, no padding."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def server_properties(config: StackConfig, data_dir: Path) -> str:
    port, controller = config.kafka_port, config.kafka_controller_port
    settings = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@127.0.0.1:{controller}",
        "listeners": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}",
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{port}",
        "inter.broker.listener.name": "PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs": str(data_dir),
        "num.partitions": "1",
        "auto.create.topics.enable": "false",
        "group.initial.rebalance.delay.ms": "0",
        "offsets.topic.replication.factor": "1",
        # fewer offsets partitions than the default 50: less to load on a 2-core laptop
        "offsets.topic.num.partitions": "10",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "10",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "delete.topic.enable": "true",
        "log.retention.check.interval.ms": "60000",
    }
    return "# written by `greenmarket stack up`; edits are overwritten\n" + "".join(
        f"{key}={value}\n" for key, value in settings.items()
    )


class Kafka(Component):
    name = "kafka"
    stop_grace = 30.0
    startup_timeout = 120.0

    @property
    def home(self) -> Path:
        return self.config.state_dir / "kafka"

    @property
    def properties_file(self) -> Path:
        return self.home / "server.properties"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def marker(self) -> str:
        return str(self.properties_file)

    def address(self) -> str:
        return self.config.bootstrap_servers

    def port_in_use(self) -> bool:
        return port_open("127.0.0.1", self.config.kafka_port) or port_open(
            "127.0.0.1", self.config.kafka_controller_port
        )

    def probe(self) -> bool:
        return kafka_answers(self.config.bootstrap_servers)

    def install(self) -> None:
        require_binary("java", "openjdk-17-jre-headless")
        fetch_kafka_jars(self.config.kafka_home)

    def launch(self) -> subprocess.Popen[bytes]:
        java = require_binary("java", "openjdk-17-jre-headless")
        classpath = str(self.config.kafka_home / "libs" / "*")
        self.home.mkdir(parents=True, exist_ok=True)
        self.properties_file.write_text(server_properties(self.config, self.data_dir), encoding="utf-8")
        if not (self.data_dir / "meta.properties").exists():
            self._format(java, classpath)
        argv = [java, *JVM_OPTIONS, "-cp", classpath, "kafka.Kafka", str(self.properties_file)]
        return start_detached(argv, self.log_file, cwd=self.home)

    def _format(self, java: str, classpath: str) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)
        argv = [
            java, "-Xmx256m", "-cp", classpath, "kafka.tools.StorageTool", "format",
            "-t", random_cluster_id(), "-c", str(self.properties_file),
        ]  # fmt: skip
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, check=False)
        if proc.returncode != 0:
            raise StackError(f"formatting Kafka storage failed:\n{(proc.stdout + proc.stderr)[-3000:]}")

    def after_ready(self) -> None:
        declare_topics(self.config.bootstrap_servers)


def kafka_answers(bootstrap_servers: str, timeout: float = 5.0) -> bool:
    host, _, port = bootstrap_servers.split(",")[0].rpartition(":")
    if not port_open(host or "127.0.0.1", int(port)):
        return False
    return run_async(lambda: _metadata_answers(bootstrap_servers, timeout))


async def _metadata_answers(bootstrap_servers: str, timeout: float) -> bool:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=int(timeout * 1000))
    with _quiet_aiokafka():
        try:
            await asyncio.wait_for(admin.start(), timeout)
            cluster = await asyncio.wait_for(admin.describe_cluster(), timeout)
            return bool(cluster.get("brokers"))
        except Exception:  # noqa: BLE001 - any failure means "not answering yet"
            return False
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(admin.close(), timeout)


@contextlib.contextmanager
def _quiet_aiokafka() -> Iterator[None]:
    logger = logging.getLogger("aiokafka")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(previous)


def declare_topics(bootstrap_servers: str) -> list[str]:
    """Create or check the topics declared in `greenmarket.infra.messaging.topics`; returns those created."""
    from greenmarket.infra.messaging.topics import ensure_topics

    async def run() -> list[str]:
        result = ensure_topics(bootstrap_servers)
        return await result if inspect.isawaitable(result) else result

    try:
        return run_async(run)
    except Exception as exc:
        raise StackError(f"declaring Kafka topics failed: {type(exc).__name__}: {exc}") from exc
