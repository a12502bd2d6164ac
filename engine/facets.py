"""The facet vocabulary: engine, protocol and API compatibility a service offers.

Facets decide whether two services that do the same job are interchangeable: Aurora and Azure
Database for PostgreSQL are both managed relational databases, but only the PostgreSQL-compatible
flavour of Aurora maps *exactly* to it. A list of known words (not free text) so that a typo in a KB
file is an error with a location. Sections are grouped by domain; add words to the right one.
"""

from __future__ import annotations

FACETS: frozenset[str] = frozenset(
    {
        # --- database engines and data APIs ----------------------------------------------------
        "postgresql",
        "mysql",
        "sql-server",
        "oracle",
        "mariadb",
        "db2",
        "mongodb",
        "cassandra",
        "dynamodb-api",
        "hbase",
        "bigtable-api",
        "gremlin",
        "opencypher",
        "sparql",
        "redis",
        "valkey",
        "memcached",
        "influxdb",
        "timeseries-sql",
        "neo4j",
        "sap-hana",
        # --- messaging and integration protocols ----------------------------------------------
        "kafka",
        "amqp",
        "mqtt",
        "jms",
        "stomp",
        "openwire",
        "cloudevents",
        "websocket",
        "graphql",
        "grpc",
        "http",
        "smtp",
        "sftp",
        "ftps",
        "ftp",
        "as2",
        # --- analytics and search engines -----------------------------------------------------
        "opensearch",
        "elasticsearch",
        "spark",
        "hadoop",
        "hive",
        "presto-trino",
        "flink",
        "beam",
        "airflow",
        "delta-lake",
        "iceberg",
        "ansi-sql",
        # --- compute, containers and platforms ------------------------------------------------
        "kubernetes",
        "docker",
        "vmware",
        "windows",
        "linux",
        "gpu",
        "arm",
        "slurm",
        "openshift",
        # --- storage protocols ----------------------------------------------------------------
        "s3-api",
        "nfs",
        "smb",
        "iscsi",
        "lustre",
        "hdfs",
        "nvme",
        "ontap",
        # --- observability, AI and tooling ----------------------------------------------------
        "prometheus",
        "opentelemetry",
        "grafana",
        "openai-api",
        "jupyter",
        "mlflow",
        "git",
        "terraform",
        "helm",
        "oci-artifacts",
        "maven",
        "npm",
        "pypi",
        "nuget",
        # --- identity and security protocols --------------------------------------------------
        "saml",
        "oidc",
        "oauth2",
        "ldap",
        "kerberos",
        "scim",
        "pkcs11",
        "kmip",
        "acme",
        "ipsec",
        "bgp",
        "wireguard",
    }
)


DECISIVE_FACETS: frozenset[str] = frozenset(
    {
        *("postgresql", "mysql", "sql-server", "oracle", "mariadb", "db2", "sap-hana"),
        *("mongodb", "cassandra", "dynamodb-api", "hbase", "bigtable-api", "neo4j"),
        *("gremlin", "opencypher", "sparql", "influxdb"),
        *("redis", "valkey", "memcached"),
        *("kafka", "mqtt", "stomp", "openwire"),
        *("opensearch", "elasticsearch"),
        *("spark", "hadoop", "hive", "presto-trino", "flink", "beam", "airflow"),
        *("kubernetes", "openshift", "vmware", "slurm"),
        *("nfs", "smb", "iscsi", "lustre", "hdfs", "ontap"),
        "openai-api",
        "graphql",
    }
)
"""Facets a workload is written against: an equivalent that lacks one the source has is not
exact (the application or its data would have to change). Other facets (an S3-compatible API,
OIDC, Docker images) only rank candidates: clouds differ in them without a workload noticing.
AMQP and JMS rank too but do not decide: "amqp" covers two incompatible protocol versions (0-9-1
for RabbitMQ, 1.0 for Service Bus and ActiveMQ), and most code reaches a queue through the
provider's SDK or a JMS client library rather than the wire protocol; the services' caveats
say which versions they speak."""


def unknown_facets(words: list[str]) -> list[str]:
    """The words of `words` that are not in the vocabulary (in input order)."""
    return [w for w in words if w not in FACETS]
