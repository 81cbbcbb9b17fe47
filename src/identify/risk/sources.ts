/**
 * Where the risk knowledge comes from. Every `sources` id in the risk data names an entry
 * here; docs/reference/risk-sources.md lists the same ids with the same URLs for readers, and
 * test/unit/risk.test.ts keeps the two in step. The facts come from these pages; the
 * sentences in the data are our own.
 */

/** One public source: an advisory, a vendor's security guide, a standard. */
export interface RiskSource {
  readonly title: string;
  readonly url: string;
}

/** Every source, by id. */
export const RISK_SOURCES = {
  'cisa-ta14-017a': { title: 'CISA (US-CERT) TA14-017A: UDP-Based Amplification Attacks', url: 'https://www.cisa.gov/news-events/alerts/2014/01/17/udp-based-amplification-attacks' },
  'cisa-ta13-088a': { title: 'CISA (US-CERT) TA13-088A: DNS Amplification Attacks', url: 'https://www.cisa.gov/news-events/alerts/2013/03/29/dns-amplification-attacks' },
  'cisa-ta14-013a': { title: 'CISA (US-CERT) TA14-013A: NTP Amplification Attacks Using CVE-2013-5211', url: 'https://www.cisa.gov/news-events/alerts/2014/01/13/ntp-amplification-attacks-using-cve-2013-5211' },
  'cisa-ta17-156a': { title: 'CISA (US-CERT) TA17-156A: Reducing the Risk of SNMP Abuse', url: 'https://www.cisa.gov/news-events/alerts/2017/06/05/reducing-risk-snmp-abuse' },
  'cisa-ta16-288a': { title: 'CISA (US-CERT) TA16-288A: Heightened DDoS Threat Posed by Mirai and Other Botnets', url: 'https://www.cisa.gov/news-events/alerts/2016/10/14/heightened-ddos-threat-posed-mirai-and-other-botnets' },
  'cisa-smb-practices': { title: 'CISA: SMB Security Best Practices', url: 'https://www.cisa.gov/news-events/alerts/2017/01/16/smb-security-best-practices' },
  'cisa-aa23-278a': { title: 'NSA and CISA AA23-278A: Top Ten Cybersecurity Misconfigurations', url: 'https://www.cisa.gov/news-events/cybersecurity-advisories/aa23-278a' },
  'cisa-ransomware-guide': { title: 'CISA and MS-ISAC: #StopRansomware Guide', url: 'https://www.cisa.gov/stopransomware/ransomware-guide' },
  'nist-sp800-41': { title: 'NIST SP 800-41 Rev. 1: Guidelines on Firewalls and Firewall Policy', url: 'https://csrc.nist.gov/pubs/sp/800/41/r1/final' },
  'nist-sp800-123': { title: 'NIST SP 800-123: Guide to General Server Security', url: 'https://csrc.nist.gov/pubs/sp/800/123/final' },
  'rfc8314': { title: 'RFC 8314: Cleartext Considered Obsolete: Use of TLS for Email Submission and Access', url: 'https://www.rfc-editor.org/rfc/rfc8314' },
  'openssh-sshd-config': { title: 'OpenSSH: sshd_config(5) manual', url: 'https://man.openbsd.org/sshd_config' },
  'redis-security': { title: 'Redis: Redis security', url: 'https://redis.io/docs/latest/operate/oss_and_stack/management/security/' },
  'postgresql-connections': { title: 'PostgreSQL: Connections and Authentication (listen_addresses)', url: 'https://www.postgresql.org/docs/current/runtime-config-connection.html' },
  'postgresql-pg-hba': { title: 'PostgreSQL: The pg_hba.conf File', url: 'https://www.postgresql.org/docs/current/auth-pg-hba-conf.html' },
  'mysql-security-guidelines': { title: 'MySQL Reference Manual: General Security Guidelines', url: 'https://dev.mysql.com/doc/refman/8.0/en/security-guidelines.html' },
  'mysql-bind-address': { title: 'MySQL Reference Manual: Server System Variables (bind_address)', url: 'https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_bind_address' },
  'mongodb-security-checklist': { title: 'MongoDB: Security Checklist for Self-Managed Deployments', url: 'https://www.mongodb.com/docs/manual/administration/security-checklist/' },
  'mongodb-ip-binding': { title: 'MongoDB: IP Binding', url: 'https://www.mongodb.com/docs/manual/core/security-mongodb-configuration/' },
  'memcached-release-1.5.6': { title: 'memcached 1.5.6 release notes (UDP disabled by default)', url: 'https://github.com/memcached/memcached/wiki/ReleaseNotes156' },
  'cve-2018-1000115': { title: 'CVE-2018-1000115: memcached UDP amplification', url: 'https://nvd.nist.gov/vuln/detail/CVE-2018-1000115' },
  'docker-protect-access': { title: 'Docker: Protect the Docker daemon socket', url: 'https://docs.docker.com/engine/security/protect-access/' },
  'k8s-securing-cluster': { title: 'Kubernetes: Securing a Cluster', url: 'https://kubernetes.io/docs/tasks/administer-cluster/securing-a-cluster/' },
  'k8s-kubelet-authn': { title: 'Kubernetes: Kubelet authentication/authorization', url: 'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/' },
  'etcd-security': { title: 'etcd: Transport security model', url: 'https://etcd.io/docs/v3.5/op-guide/security/' },
  'elastic-security-setup': { title: 'Elastic: Set up minimal security for Elasticsearch', url: 'https://www.elastic.co/guide/en/elasticsearch/reference/current/security-minimal-setup.html' },
  'cve-2017-12635': { title: 'CVE-2017-12635: Apache CouchDB privilege escalation', url: 'https://nvd.nist.gov/vuln/detail/CVE-2017-12635' },
  'cve-2022-24706': { title: 'CVE-2022-24706: Apache CouchDB unauthenticated admin access in packaged installs', url: 'https://nvd.nist.gov/vuln/detail/CVE-2022-24706' },
  'couchdb-security': { title: 'Apache CouchDB: Security (admin accounts, bind_address)', url: 'https://docs.couchdb.org/en/stable/intro/security.html' },
  'cisa-kev': { title: 'CISA: Known Exploited Vulnerabilities Catalog', url: 'https://www.cisa.gov/known-exploited-vulnerabilities-catalog' },
  'cisa-ot-mitigations': { title: 'CISA, FBI, EPA and DOE: Primary Mitigations to Reduce Cyber Threats to Operational Technology', url: 'https://www.cisa.gov/resources-tools/resources/primary-mitigations-reduce-cyber-threats-operational-technology' },
  'nist-sp800-58': { title: 'NIST SP 800-58: Security Considerations for Voice Over IP Systems', url: 'https://csrc.nist.gov/pubs/sp/800/58/final' },
  'rfc4217': { title: 'RFC 4217: Securing FTP with TLS', url: 'https://www.rfc-editor.org/rfc/rfc4217' },
  'cve-2024-6387': { title: 'CVE-2024-6387 (regreSSHion): OpenSSH sshd signal handler race', url: 'https://nvd.nist.gov/vuln/detail/CVE-2024-6387' },
  'cve-2019-0708': { title: 'CVE-2019-0708 (BlueKeep): Remote Desktop Services remote code execution', url: 'https://nvd.nist.gov/vuln/detail/CVE-2019-0708' },
  'cve-2017-0144': { title: 'CVE-2017-0144 (EternalBlue): Windows SMBv1 remote code execution', url: 'https://nvd.nist.gov/vuln/detail/CVE-2017-0144' },
  'ms-smb-versions': { title: 'Microsoft: How to detect, enable and disable SMBv1, SMBv2, and SMBv3 in Windows', url: 'https://learn.microsoft.com/en-us/windows-server/storage/file-server/troubleshoot/detect-enable-and-disable-smbv1-v2-v3' },
  'ms-winrm-security': { title: 'Microsoft: Security considerations for PowerShell Remoting using WinRM', url: 'https://learn.microsoft.com/en-us/powershell/scripting/security/remoting/winrm-security' },
  'ms-sql-firewall': { title: 'Microsoft: Configure the Windows Firewall to allow SQL Server access', url: 'https://learn.microsoft.com/en-us/sql/sql-server/install/configure-the-windows-firewall-to-allow-sql-server-access' },
  'ms-adv190023': { title: 'Microsoft ADV190023: Guidance for enabling LDAP channel binding and LDAP signing', url: 'https://msrc.microsoft.com/update-guide/vulnerability/ADV190023' },
  'ms-advisory-2743314': { title: 'Microsoft Security Advisory 2743314: Unencapsulated MS-CHAP v2 authentication could allow information disclosure', url: 'https://learn.microsoft.com/en-us/security-updates/securityadvisories/2012/2743314' },
  'oracle-db-security': { title: 'Oracle Database Security Guide', url: 'https://docs.oracle.com/en/database/oracle/oracle-database/19/dbseg/index.html' },
  'samba-smb-conf': { title: 'Samba: smb.conf(5) (interfaces, bind interfaces only, hosts allow)', url: 'https://www.samba.org/samba/docs/current/man-html/smb.conf.5.html' },
  'nfs-exports': { title: 'Linux man-pages: exports(5)', url: 'https://man7.org/linux/man-pages/man5/exports.5.html' },
  'rsyncd-conf': { title: 'rsync: rsyncd.conf(5)', url: 'https://download.samba.org/pub/rsync/rsyncd.conf.5' },
  'xserver-man': { title: 'X.Org: Xserver(1) (-nolisten tcp)', url: 'https://www.x.org/releases/current/doc/man/man1/Xserver.1.xhtml' },
  'cups-browsed-ghsa': { title: 'OpenPrinting GHSA-rj88-6mr5-rcw8: cups-browsed bugs leading to remote code execution', url: 'https://github.com/OpenPrinting/cups-browsed/security/advisories/GHSA-rj88-6mr5-rcw8' },
  'rabbitmq-access-control': { title: 'RabbitMQ: Authentication, Authorisation, Access Control (the guest user)', url: 'https://www.rabbitmq.com/docs/access-control' },
  'rabbitmq-networking': { title: 'RabbitMQ: Networking and RabbitMQ (ports, epmd, inter-node traffic)', url: 'https://www.rabbitmq.com/docs/networking' },
  'mosquitto-migrating-2': { title: 'Eclipse Mosquitto: Migrating from 1.x to 2.0 (listener and anonymous-access defaults)', url: 'https://mosquitto.org/documentation/migrating-to-2-0/' },
  'mosquitto-auth': { title: 'Eclipse Mosquitto: Authentication methods', url: 'https://mosquitto.org/documentation/authentication-methods/' },
  'nats-security': { title: 'NATS: Securing NATS (TLS, authentication, authorization)', url: 'https://docs.nats.io/running-a-nats-service/configuration/securing_nats' },
  'kafka-security': { title: 'Apache Kafka documentation: Security', url: 'https://kafka.apache.org/documentation/#security' },
  'zookeeper-admin': { title: 'Apache ZooKeeper Administrator\'s Guide (4lw.commands.whitelist, authentication)', url: 'https://zookeeper.apache.org/doc/current/zookeeperAdmin.html' },
  'prometheus-security': { title: 'Prometheus: Security model', url: 'https://prometheus.io/docs/operating/security/' },
  'cisa-ta13-207a': { title: 'CISA (US-CERT) TA13-207A: Risks of Using the Intelligent Platform Management Interface (IPMI)', url: 'https://www.cisa.gov/news-events/alerts/2013/07/26/risks-using-intelligent-platform-management-interface-ipmi' },
  'nist-sp800-92': { title: 'NIST SP 800-92: Guide to Computer Security Log Management', url: 'https://csrc.nist.gov/pubs/sp/800/92/final' },
  'rfc7252': { title: 'RFC 7252: The Constrained Application Protocol (CoAP), section 11.3 (amplification)', url: 'https://www.rfc-editor.org/rfc/rfc7252' },
  'mitre-t1557-001': { title: 'MITRE ATT&CK T1557.001: LLMNR/NBT-NS Poisoning and SMB Relay', url: 'https://attack.mitre.org/techniques/T1557/001/' },
  'jupyter-security': { title: 'Jupyter Server: Security in the Jupyter Server', url: 'https://jupyter-server.readthedocs.io/en/latest/operators/security.html' },
  'git-daemon': { title: 'Git: git-daemon documentation', url: 'https://git-scm.com/docs/git-daemon' },
  'android-adb': { title: 'Android Developers: Android Debug Bridge (adb)', url: 'https://developer.android.com/tools/adb' },
  'cassandra-security': { title: 'Apache Cassandra documentation: Security (authentication, authorization, encryption)', url: 'https://cassandra.apache.org/doc/latest/cassandra/managing/operating/security.html' },
  'influxdb-v1-auth': { title: 'InfluxDB OSS v1: Authentication and authorization', url: 'https://docs.influxdata.com/influxdb/v1/administration/authentication_and_authorization/' },
  'consul-security-model': { title: 'HashiCorp Consul: Core security model', url: 'https://developer.hashicorp.com/consul/docs/secure/security-model/core' },
} as const satisfies Record<string, RiskSource>;

/** A source id. */
export type RiskSourceId = keyof typeof RISK_SOURCES;
