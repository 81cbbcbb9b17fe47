/** Risk knowledge for databases and data stores. */
import type { RiskEntry } from './types.js';

export const DATABASES: readonly RiskEntry[] = [
  {
    service: 'redis',
    ports: ['6379/tcp'],
    level: 'critical',
    sources: ['redis-security', 'cisa-aa23-278a'],
    en: {
      summary: 'Redis is an in-memory database, often used as a cache or message queue by web applications.',
      why: 'Redis is built for trusted networks: many installations have no password, and anyone who can reach the port can read or wipe every key with one command. Attackers routinely abuse open Redis servers to write files to disk (SSH keys, cron jobs) and take over the machine, or to plant cryptominers.',
      fix: [
        'If only programs on this machine use it, listen on loopback only: in redis.conf set `bind 127.0.0.1 ::1` and keep `protected-mode yes`, then restart Redis.',
        'If other machines need it, allow only their addresses in the firewall, e.g. `nft add rule inet filter input ip saddr 10.0.0.5 tcp dport 6379 accept` followed by a drop rule for port 6379.',
        'Require authentication: set `requirepass` with a long random password, or define ACL users (Redis 6 and later) with only the commands each client needs.',
        'Across untrusted networks, enable TLS (`tls-port`) or tunnel the connection over SSH or a VPN.',
      ],
    },
    es: {
      summary: 'Redis es una base de datos en memoria que las aplicaciones web suelen usar como caché o cola de mensajes.',
      why: 'Redis está pensado para redes de confianza: muchas instalaciones no tienen contraseña y cualquiera que llegue al puerto puede leer o borrar todas las claves con un solo comando. Es habitual que los atacantes usen servidores Redis abiertos para escribir archivos en el disco (claves SSH, tareas de cron) y tomar el control de la máquina, o para instalar mineros de criptomonedas.',
      fix: [
        'Si solo lo usan programas de esta misma máquina, que escuche únicamente en loopback: en redis.conf ponga `bind 127.0.0.1 ::1`, deje `protected-mode yes` y reinicie Redis.',
        'Si otras máquinas lo necesitan, permita en el cortafuegos solo sus direcciones, por ejemplo `nft add rule inet filter input ip saddr 10.0.0.5 tcp dport 6379 accept` seguido de una regla que descarte el resto del tráfico al puerto 6379.',
        'Exija autenticación: configure `requirepass` con una contraseña larga y aleatoria, o cree usuarios ACL (Redis 6 o posterior) que solo puedan ejecutar los comandos que cada cliente necesita.',
        'Si el tráfico cruza redes no confiables, active TLS (`tls-port`) o páselo por un túnel SSH o una VPN.',
      ],
    },
  },
  {
    service: 'postgresql',
    aliases: ['postgres'],
    ports: ['5432/tcp'],
    level: 'high',
    sources: ['postgresql-connections', 'postgresql-pg-hba', 'cisa-aa23-278a'],
    en: {
      summary: 'PostgreSQL is a relational database server.',
      why: 'An exposed database port lets anyone on the network try passwords against it, and a weak or default password, or a `trust` line in pg_hba.conf, hands over all the data. Superuser access can also run programs on the server (for example through COPY ... PROGRAM).',
      fix: [
        'If the applications run on this machine, listen on loopback only: in postgresql.conf set `listen_addresses = \'localhost\'` and restart PostgreSQL.',
        'In pg_hba.conf, allow only the client addresses that need access, with `scram-sha-256` authentication; never use `trust` for network connections.',
        'Block port 5432 in the firewall for everyone except the application servers.',
        'Require encryption for remote clients: `ssl = on` in postgresql.conf and `hostssl` lines in pg_hba.conf.',
      ],
    },
    es: {
      summary: 'PostgreSQL es un servidor de bases de datos relacionales.',
      why: 'Un puerto de base de datos expuesto permite que cualquiera en la red pruebe contraseñas, y una contraseña débil o por defecto, o una línea `trust` en pg_hba.conf, entrega todos los datos. Además, con acceso de superusuario se pueden ejecutar programas en el servidor (por ejemplo con COPY ... PROGRAM).',
      fix: [
        'Si las aplicaciones corren en esta misma máquina, que escuche solo en loopback: en postgresql.conf ponga `listen_addresses = \'localhost\'` y reinicie PostgreSQL.',
        'En pg_hba.conf, autorice solo las direcciones de los clientes que lo necesitan, con autenticación `scram-sha-256`; nunca use `trust` para conexiones de red.',
        'Bloquee el puerto 5432 en el cortafuegos para todos salvo los servidores de aplicaciones.',
        'Exija cifrado a los clientes remotos: `ssl = on` en postgresql.conf y líneas `hostssl` en pg_hba.conf.',
      ],
    },
  },
  {
    service: 'mysql',
    aliases: ['mariadb'],
    ports: ['3306/tcp'],
    level: 'high',
    sources: ['mysql-security-guidelines', 'mysql-bind-address', 'cisa-aa23-278a'],
    en: {
      summary: 'MySQL (or its fork MariaDB) is a relational database server.',
      why: 'Database ports on the network are a constant target for password guessing; accounts created as \'user\'@\'%\' accept logins from anywhere, and a weak root password gives away every database. Without TLS, queries and results cross the network in cleartext.',
      fix: [
        'If the applications run on this machine, listen on loopback only: in my.cnf, under [mysqld], set `bind-address = 127.0.0.1` and restart the server (or set `skip-networking` and use the Unix socket).',
        'Restrict accounts to the hosts they connect from (\'app\'@\'10.0.0.5\' instead of \'app\'@\'%\'), remove anonymous users and give root a strong password (`mysql_secure_installation` does both).',
        'Allow port 3306 in the firewall only from the application servers.',
        'For remote clients, require TLS: `require_secure_transport = ON`.',
      ],
    },
    es: {
      summary: 'MySQL (o su derivado MariaDB) es un servidor de bases de datos relacionales.',
      why: 'Los puertos de bases de datos expuestos reciben intentos constantes de adivinar contraseñas; las cuentas creadas como \'usuario\'@\'%\' aceptan conexiones desde cualquier lugar y una contraseña de root débil entrega todas las bases. Sin TLS, las consultas y sus resultados viajan por la red sin cifrar.',
      fix: [
        'Si las aplicaciones corren en esta misma máquina, que escuche solo en loopback: en my.cnf, en la sección [mysqld], ponga `bind-address = 127.0.0.1` y reinicie el servidor (o active `skip-networking` y use el socket Unix).',
        'Limite cada cuenta a los equipos desde los que se conecta (\'app\'@\'10.0.0.5\' en lugar de \'app\'@\'%\'), elimine los usuarios anónimos y dé a root una contraseña robusta (`mysql_secure_installation` hace ambas cosas).',
        'Permita el puerto 3306 en el cortafuegos solo desde los servidores de aplicaciones.',
        'Para clientes remotos, exija TLS: `require_secure_transport = ON`.',
      ],
    },
  },
  {
    service: 'mongodb',
    aliases: ['mongod', 'mongo'],
    ports: ['27017/tcp', '27018/tcp', '27019/tcp'],
    level: 'critical',
    sources: ['mongodb-security-checklist', 'mongodb-ip-binding'],
    en: {
      summary: 'MongoDB is a document database.',
      why: 'Access control is off unless you turn it on, so a MongoDB reachable from the network often lets anyone read, change or delete every collection. Tens of thousands of exposed MongoDB servers have been emptied and held for ransom this way.',
      fix: [
        'Listen on loopback unless other machines need it: in mongod.conf set `net.bindIp: 127.0.0.1` (the default since 3.6; remove any `bindIpAll: true` or `0.0.0.0`) and restart mongod.',
        'Turn on authentication: create an administrator user, then set `security.authorization: enabled` and restart.',
        'Allow ports 27017-27019 in the firewall only from the application servers and the other members of the replica set.',
        'Encrypt remote connections with TLS (`net.tls.mode: requireTLS`).',
      ],
    },
    es: {
      summary: 'MongoDB es una base de datos de documentos.',
      why: 'El control de acceso está desactivado salvo que usted lo active, así que un MongoDB accesible desde la red suele permitir que cualquiera lea, modifique o borre todas las colecciones. Decenas de miles de servidores MongoDB expuestos han sido vaciados de esta forma para pedir un rescate.',
      fix: [
        'Que escuche en loopback salvo que otras máquinas lo necesiten: en mongod.conf ponga `net.bindIp: 127.0.0.1` (es el valor por defecto desde la 3.6; quite cualquier `bindIpAll: true` o `0.0.0.0`) y reinicie mongod.',
        'Active la autenticación: cree un usuario administrador, ponga `security.authorization: enabled` y reinicie.',
        'Permita los puertos 27017-27019 en el cortafuegos solo desde los servidores de aplicaciones y los demás miembros del conjunto de réplicas.',
        'Cifre las conexiones remotas con TLS (`net.tls.mode: requireTLS`).',
      ],
    },
  },
  {
    service: 'memcached',
    aliases: ['memcache'],
    ports: ['11211/tcp', '11211/udp'],
    level: 'high',
    sources: ['memcached-release-1.5.6', 'cve-2018-1000115', 'cisa-ta14-017a'],
    en: {
      summary: 'Memcached is an in-memory cache that web applications use to store short-lived data.',
      why: 'Memcached has no authentication by default: anyone who reaches it can read cached data (sessions, tokens, query results) or replace it. Over UDP it is the strongest amplifier known: a 15-byte spoofed request can make it send a huge reply to a victim, and exposed servers were used in 2018 for the largest DDoS attacks seen until then.',
      fix: [
        'Listen on loopback only: start memcached with `-l 127.0.0.1` (on Debian, in /etc/memcached.conf; on Red Hat, in OPTIONS in /etc/sysconfig/memcached).',
        'Disable UDP with `-U 0` (the default since 1.5.6, but older packages and some configurations still enable it).',
        'Block port 11211 (TCP and UDP) in the firewall for everyone except the application servers.',
        'If clients must cross a network, enable SASL authentication (`-S`) or TLS, or tunnel the traffic.',
      ],
    },
    es: {
      summary: 'Memcached es una caché en memoria donde las aplicaciones web guardan datos de corta duración.',
      why: 'Memcached no tiene autenticación por defecto: cualquiera que llegue a él puede leer los datos en caché (sesiones, tokens, resultados de consultas) o sustituirlos. Por UDP es el amplificador más potente que se conoce: una petición falsificada de 15 bytes puede hacer que envíe una respuesta enorme a una víctima, y en 2018 se usaron servidores expuestos para los mayores ataques DDoS vistos hasta entonces.',
      fix: [
        'Que escuche solo en loopback: arranque memcached con `-l 127.0.0.1` (en Debian, en /etc/memcached.conf; en Red Hat, en OPTIONS de /etc/sysconfig/memcached).',
        'Desactive UDP con `-U 0` (es el valor por defecto desde la 1.5.6, pero paquetes antiguos y algunas configuraciones todavía lo activan).',
        'Bloquee el puerto 11211 (TCP y UDP) en el cortafuegos para todos salvo los servidores de aplicaciones.',
        'Si los clientes deben cruzar una red, active la autenticación SASL (`-S`) o TLS, o use un túnel.',
      ],
    },
  },
  {
    service: 'elasticsearch',
    aliases: ['opensearch', 'elasticsearch-transport'],
    ports: ['9200/tcp', '9300/tcp'],
    level: 'critical',
    sources: ['elastic-security-setup', 'cisa-aa23-278a'],
    en: {
      summary: 'Elasticsearch is a search and analytics engine with an HTTP API, often holding logs or application data.',
      why: 'Versions before 8.0 ship with security turned off, and many clusters still run that way: anyone who reaches port 9200 can list, download or delete every index with plain HTTP requests. Exposed clusters are a leading cause of large data leaks and are regularly wiped by automated ransom scripts.',
      fix: [
        'If only local programs use it, bind it to loopback: in elasticsearch.yml set `network.host: 127.0.0.1` and restart.',
        'Turn security on: `xpack.security.enabled: true` (the default since 8.0; check it was not switched off), then set passwords for the built-in users.',
        'Enable TLS on the HTTP layer (`xpack.security.http.ssl.enabled: true`).',
        'Allow port 9200 (and the cluster port 9300) in the firewall only from known clients and cluster nodes.',
      ],
    },
    es: {
      summary: 'Elasticsearch es un motor de búsqueda y análisis con una API HTTP, que suele guardar registros o datos de aplicaciones.',
      why: 'Las versiones anteriores a la 8.0 vienen con la seguridad desactivada y muchos clústeres siguen así: cualquiera que llegue al puerto 9200 puede listar, descargar o borrar todos los índices con simples peticiones HTTP. Los clústeres expuestos son una de las principales causas de grandes filtraciones de datos y los borran con frecuencia scripts automáticos que piden rescate.',
      fix: [
        'Si solo lo usan programas locales, que escuche en loopback: en elasticsearch.yml ponga `network.host: 127.0.0.1` y reinicie.',
        'Active la seguridad: `xpack.security.enabled: true` (es el valor por defecto desde la 8.0; compruebe que nadie la desactivó) y asigne contraseñas a los usuarios integrados.',
        'Active TLS en la capa HTTP (`xpack.security.http.ssl.enabled: true`).',
        'Permita el puerto 9200 (y el 9300, el del clúster) en el cortafuegos solo desde clientes conocidos y nodos del clúster.',
      ],
    },
  },
  {
    service: 'couchdb',
    ports: ['5984/tcp', '6984/tcp'],
    level: 'high',
    sources: ['couchdb-security', 'cve-2017-12635', 'cve-2022-24706'],
    en: {
      summary: 'Apache CouchDB is a document database with an HTTP API and a web administration page (Fauxton).',
      why: 'Old versions started in "admin party" mode, where every visitor is an administrator, and several vulnerabilities (CVE-2017-12635, CVE-2022-24706) let unauthenticated attackers become admins and run commands on the server. An exposed port also exposes the admin page to password guessing.',
      fix: [
        'If only local programs use it, bind to loopback: in local.ini, section [chttpd], set `bind_address = 127.0.0.1` and restart.',
        'Make sure an administrator account with a strong password exists and set `require_valid_user = true` so anonymous requests are refused.',
        'Keep CouchDB up to date (3.2.2 or later fixes CVE-2022-24706); allow port 5984 in the firewall only from the clients that need it, and ports 4369 and the Erlang distribution ports only between cluster nodes.',
      ],
    },
    es: {
      summary: 'Apache CouchDB es una base de datos de documentos con una API HTTP y una página web de administración (Fauxton).',
      why: 'Las versiones antiguas arrancaban en modo "admin party", en el que cualquier visitante es administrador, y varias vulnerabilidades (CVE-2017-12635, CVE-2022-24706) permiten a atacantes sin credenciales hacerse administradores y ejecutar órdenes en el servidor. Un puerto expuesto deja además la página de administración a merced de quien intente adivinar contraseñas.',
      fix: [
        'Si solo lo usan programas locales, que escuche en loopback: en local.ini, sección [chttpd], ponga `bind_address = 127.0.0.1` y reinicie.',
        'Asegúrese de que existe una cuenta de administrador con una contraseña robusta y ponga `require_valid_user = true` para rechazar las peticiones anónimas.',
        'Mantenga CouchDB actualizado (la 3.2.2 o posterior corrige CVE-2022-24706); permita el puerto 5984 en el cortafuegos solo desde los clientes que lo necesitan, y el 4369 y los de distribución de Erlang solo entre los nodos del clúster.',
      ],
    },
  },
  {
    service: 'ms-sql-s',
    aliases: ['mssql', 'ms-sql', 'sqlserver', 'ms-sql-m'],
    ports: ['1433/tcp', '1434/udp'],
    level: 'high',
    sources: ['ms-sql-firewall', 'cisa-ta14-017a', 'cisa-aa23-278a'],
    en: {
      summary: 'Microsoft SQL Server (port 1433) and its Browser service (UDP 1434), which tells clients where instances listen.',
      why: 'Exposed SQL Servers receive constant password guessing against the "sa" account; once in, an attacker can read every database and, through features such as xp_cmdshell, run commands on Windows. The Browser service reveals instance names and versions and can be used for amplification.',
      fix: [
        'Allow TCP 1433 in Windows Defender Firewall only from the application servers, and never from the Internet.',
        'Disable the SQL Server Browser service when clients connect to a fixed port, or block UDP 1434.',
        'Prefer Windows authentication, disable or rename "sa", keep xp_cmdshell off, and require encrypted connections (Force Encryption).',
      ],
    },
    es: {
      summary: 'Microsoft SQL Server (puerto 1433) y su servicio Browser (UDP 1434), que indica a los clientes dónde escuchan las instancias.',
      why: 'Los SQL Server expuestos reciben intentos constantes de adivinar la contraseña de la cuenta "sa"; una vez dentro, un atacante puede leer todas las bases de datos y, con funciones como xp_cmdshell, ejecutar órdenes en Windows. El servicio Browser revela nombres de instancias y versiones, y puede usarse para amplificación.',
      fix: [
        'Permita el TCP 1433 en el Firewall de Windows Defender solo desde los servidores de aplicaciones, y nunca desde Internet.',
        'Desactive el servicio SQL Server Browser si los clientes se conectan a un puerto fijo, o bloquee el UDP 1434.',
        'Prefiera la autenticación de Windows, desactive o renombre "sa", mantenga xp_cmdshell desactivado y exija conexiones cifradas (Force Encryption).',
      ],
    },
  },
  {
    service: 'oracle',
    aliases: ['oracle-tns', 'oracle-listener'],
    ports: ['1521/tcp'],
    level: 'high',
    sources: ['oracle-db-security', 'cisa-aa23-278a'],
    en: {
      summary: 'The Oracle Database listener, through which clients connect to Oracle databases.',
      why: 'An exposed listener invites password guessing against well-known and default accounts and reveals service names and versions. Oracle databases hold critical data, and unpatched versions have had serious remote flaws.',
      fix: [
        'Allow TCP 1521 in the firewall only from the application servers.',
        'Restrict clients in sqlnet.ora (`tcp.validnode_checking = yes` with `tcp.invited_nodes = (10.0.0.5, 10.0.0.6)`).',
        'Lock unused default accounts, enforce strong passwords, enable native network encryption or TLS, and apply the quarterly Critical Patch Updates.',
      ],
    },
    es: {
      summary: 'El listener de Oracle Database, por el que los clientes se conectan a las bases de datos Oracle.',
      why: 'Un listener expuesto invita a adivinar contraseñas de cuentas conocidas y de fábrica, y revela nombres de servicio y versiones. Las bases de datos Oracle guardan datos críticos, y las versiones sin parchear han tenido fallos remotos graves.',
      fix: [
        'Permita el TCP 1521 en el cortafuegos solo desde los servidores de aplicaciones.',
        'Limite los clientes en sqlnet.ora (`tcp.validnode_checking = yes` con `tcp.invited_nodes = (10.0.0.5, 10.0.0.6)`).',
        'Bloquee las cuentas de fábrica que no use, exija contraseñas robustas, active el cifrado de red nativo o TLS y aplique los parches trimestrales (Critical Patch Updates).',
      ],
    },
  },
  {
    service: 'cassandra',
    aliases: ['cassandra-native', 'cql'],
    ports: ['9042/tcp', '7000/tcp', '7199/tcp'],
    level: 'high',
    sources: ['cassandra-security', 'cisa-aa23-278a'],
    en: {
      summary: 'Apache Cassandra, a distributed database (9042 for clients, 7000 between nodes, 7199 for JMX management).',
      why: 'Cassandra ships with `authenticator: AllowAllAuthenticator`, so clients need no credentials at all, and once password authentication is on, the built-in superuser is cassandra/cassandra until someone changes it. The JMX port allows management operations, and node-to-node traffic is unencrypted by default.',
      fix: [
        'In cassandra.yaml set `authenticator: PasswordAuthenticator` and `authorizer: CassandraAuthorizer`, create your own superuser, then remove or lock the default "cassandra" role.',
        'Listen on a private address (`rpc_address` / `listen_address`), keep JMX local (`LOCAL_JMX=yes` in cassandra-env.sh) and allow 9042 in the firewall only from the applications, 7000 only between nodes.',
        'Enable client and internode encryption (`client_encryption_options`, `server_encryption_options`).',
      ],
    },
    es: {
      summary: 'Apache Cassandra, una base de datos distribuida (9042 para clientes, 7000 entre nodos, 7199 para la administración JMX).',
      why: 'Cassandra viene con `authenticator: AllowAllAuthenticator`, así que los clientes no necesitan ninguna credencial, y al activar la autenticación por contraseña el superusuario integrado es cassandra/cassandra hasta que alguien lo cambia. El puerto JMX permite operaciones de administración, y el tráfico entre nodos no va cifrado por defecto.',
      fix: [
        'En cassandra.yaml ponga `authenticator: PasswordAuthenticator` y `authorizer: CassandraAuthorizer`, cree su propio superusuario y después elimine o bloquee el rol "cassandra" de fábrica.',
        'Escuche en una dirección privada (`rpc_address` / `listen_address`), mantenga JMX en local (`LOCAL_JMX=yes` en cassandra-env.sh) y permita en el cortafuegos el 9042 solo desde las aplicaciones y el 7000 solo entre nodos.',
        'Active el cifrado de clientes y entre nodos (`client_encryption_options`, `server_encryption_options`).',
      ],
    },
  },
  {
    service: 'influxdb',
    aliases: ['influxdb-http'],
    ports: ['8086/tcp'],
    level: 'high',
    sources: ['influxdb-v1-auth'],
    en: {
      summary: 'InfluxDB, a time-series database for metrics and sensor data (8086 for its HTTP API, 8088 for backups in version 1).',
      why: 'In InfluxDB 1.x authentication is off by default: anyone who reaches port 8086 can query, write and drop databases. The backup port 8088 lets anyone copy the data.',
      fix: [
        'Create an admin user, then set `auth-enabled = true` in the [http] section of influxdb.conf and restart (InfluxDB 2 and later always require a token).',
        'Bind the backup service to loopback (`bind-address = "127.0.0.1:8088"`) and allow 8086 in the firewall only from the clients that write and read metrics.',
        'Enable HTTPS (`https-enabled = true` with a certificate).',
      ],
    },
    es: {
      summary: 'InfluxDB, una base de datos de series temporales para métricas y datos de sensores (8086 para su API HTTP, 8088 para las copias de seguridad en la versión 1).',
      why: 'En InfluxDB 1.x la autenticación viene desactivada: cualquiera que llegue al puerto 8086 puede consultar, escribir y borrar bases de datos. El puerto de copias 8088 permite a cualquiera copiar los datos.',
      fix: [
        'Cree un usuario administrador, ponga `auth-enabled = true` en la sección [http] de influxdb.conf y reinicie (InfluxDB 2 y posteriores exigen siempre un token).',
        'Haga que el servicio de copias escuche solo en loopback (`bind-address = "127.0.0.1:8088"`) y permita el 8086 en el cortafuegos solo desde los clientes que escriben y leen métricas.',
        'Active HTTPS (`https-enabled = true` con un certificado).',
      ],
    },
  },
];
