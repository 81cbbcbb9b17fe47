/** Risk knowledge for message brokers and the coordination services around them. */
import type { RiskEntry } from './types.js';

export const MESSAGING: readonly RiskEntry[] = [
  {
    service: 'amqp',
    aliases: ['amqps', 'rabbitmq'],
    ports: ['5672/tcp', '5671/tcp'],
    level: 'medium',
    sources: ['rabbitmq-access-control', 'rabbitmq-networking'],
    en: {
      summary: 'An AMQP message broker (usually RabbitMQ), through which applications exchange messages.',
      why: 'Anyone who can log in can read, inject or delete the messages that drive your applications. RabbitMQ\'s default "guest" account only works from localhost, but installations that re-enable it remotely or use weak passwords are easy to take over; plain AMQP on 5672 is unencrypted.',
      fix: [
        'If only local applications use it, listen on loopback: in rabbitmq.conf set `listeners.tcp.local = 127.0.0.1:5672`.',
        'Delete the "guest" user (`rabbitmqctl delete_user guest`), or at least keep `loopback_users.guest = true`, and give each application its own user with permissions limited to its virtual host.',
        'Use TLS (port 5671) for remote clients and allow the broker ports in the firewall only from the application servers.',
      ],
    },
    es: {
      summary: 'Un intermediario de mensajes AMQP (normalmente RabbitMQ), por el que las aplicaciones intercambian mensajes.',
      why: 'Cualquiera que pueda iniciar sesión puede leer, inyectar o borrar los mensajes que mueven sus aplicaciones. La cuenta "guest" de RabbitMQ solo funciona desde localhost, pero las instalaciones que la vuelven a permitir en remoto o usan contraseñas débiles son fáciles de tomar; además, AMQP en el puerto 5672 viaja sin cifrar.',
      fix: [
        'Si solo lo usan aplicaciones locales, que escuche en loopback: en rabbitmq.conf ponga `listeners.tcp.local = 127.0.0.1:5672`.',
        'Borre el usuario "guest" (`rabbitmqctl delete_user guest`), o al menos mantenga `loopback_users.guest = true`, y dé a cada aplicación su propio usuario con permisos limitados a su host virtual.',
        'Use TLS (puerto 5671) para los clientes remotos y permita los puertos del intermediario en el cortafuegos solo desde los servidores de aplicaciones.',
      ],
    },
  },
  {
    service: 'rabbitmq-management',
    aliases: ['rabbitmq-http'],
    ports: ['15672/tcp', '15671/tcp'],
    level: 'medium',
    sources: ['rabbitmq-access-control', 'rabbitmq-networking'],
    en: {
      summary: 'The RabbitMQ management web interface and HTTP API.',
      why: 'The management interface can create users, read and purge queues and change permissions; with a weak or default password it gives away the whole broker. It is a web login page, so it also attracts password guessing.',
      fix: [
        'Make it listen on loopback (`management.tcp.ip = 127.0.0.1` in rabbitmq.conf) and reach it through an SSH tunnel, or allow port 15672 only from admin addresses.',
        'Remove the "guest" user and use strong passwords for administrator tags.',
        'Serve it over HTTPS (`management.ssl.port = 15671`) if it must cross a network.',
      ],
    },
    es: {
      summary: 'La interfaz web de administración de RabbitMQ y su API HTTP.',
      why: 'La interfaz de administración puede crear usuarios, leer y vaciar colas y cambiar permisos; con una contraseña débil o de fábrica entrega todo el intermediario. Es una página web de inicio de sesión, así que también atrae intentos de adivinar contraseñas.',
      fix: [
        'Haga que escuche en loopback (`management.tcp.ip = 127.0.0.1` en rabbitmq.conf) y acceda por un túnel SSH, o permita el puerto 15672 solo desde direcciones de administración.',
        'Elimine el usuario "guest" y use contraseñas robustas para las cuentas con etiqueta de administrador.',
        'Sírvala por HTTPS (`management.ssl.port = 15671`) si debe cruzar una red.',
      ],
    },
  },
  {
    service: 'epmd',
    aliases: ['erlang-dist', 'rabbitmq-dist', 'erlang-epmd'],
    ports: ['4369/tcp', '25672/tcp'],
    level: 'high',
    sources: ['rabbitmq-networking'],
    en: {
      summary: 'Erlang distribution: epmd (4369) and the node port (25672 for RabbitMQ) that clustered Erlang programs such as RabbitMQ and CouchDB use to talk to each other.',
      why: 'Erlang nodes trust each other completely once they share the same "cookie": whoever reaches the distribution port and knows or guesses the cookie can run any code on the machine. epmd also lists the node names running here.',
      fix: [
        'Allow 4369 and 25672 in the firewall only between the cluster nodes (and the hosts running CLI tools); they never need to be public.',
        'Make sure the Erlang cookie (/var/lib/rabbitmq/.erlang.cookie) is long, random and readable only by the service user.',
        'On a single node, bind them to loopback (`ERL_EPMD_ADDRESS=127.0.0.1` and, for RabbitMQ, `distribution.listener.interface = 127.0.0.1`).',
      ],
    },
    es: {
      summary: 'La distribución de Erlang: epmd (4369) y el puerto de nodo (25672 en RabbitMQ) que usan los programas Erlang en clúster, como RabbitMQ y CouchDB, para hablar entre sí.',
      why: 'Los nodos Erlang confían por completo entre sí en cuanto comparten la misma "cookie": quien llegue al puerto de distribución y conozca o adivine la cookie puede ejecutar cualquier código en la máquina. epmd además lista los nombres de los nodos que corren aquí.',
      fix: [
        'Permita el 4369 y el 25672 en el cortafuegos solo entre los nodos del clúster (y los equipos que usan las herramientas de línea de órdenes); nunca necesitan ser públicos.',
        'Asegúrese de que la cookie de Erlang (/var/lib/rabbitmq/.erlang.cookie) es larga, aleatoria y legible solo por el usuario del servicio.',
        'En un único nodo, haga que escuchen solo en loopback (`ERL_EPMD_ADDRESS=127.0.0.1` y, en RabbitMQ, `distribution.listener.interface = 127.0.0.1`).',
      ],
    },
  },
  {
    service: 'mqtt',
    aliases: ['mosquitto', 'mqtt-ws'],
    ports: ['1883/tcp'],
    level: 'high',
    sources: ['mosquitto-migrating-2', 'mosquitto-auth', 'cisa-aa23-278a'],
    en: {
      summary: 'An MQTT broker (Mosquitto, EMQX...), which relays messages between IoT devices, sensors and applications.',
      why: 'Plain MQTT on 1883 is unencrypted, and many brokers accept anonymous clients: anyone can subscribe to `#` and read every message (locations, sensor data, sometimes credentials) or publish commands that switch real devices. Mosquitto before 2.0 allowed anonymous access by default.',
      fix: [
        'Require authentication: in mosquitto.conf set `allow_anonymous false` and a `password_file` (created with `mosquitto_passwd`), and restrict topics per user with an `acl_file`.',
        'If only local clients use it, bind the listener to loopback: `listener 1883 127.0.0.1`.',
        'For remote clients, use MQTT over TLS on 8883 (`listener 8883` with `certfile`/`keyfile`) and allow the port in the firewall only from known networks.',
      ],
    },
    es: {
      summary: 'Un intermediario MQTT (Mosquitto, EMQX...), que reparte mensajes entre dispositivos IoT, sensores y aplicaciones.',
      why: 'MQTT en el puerto 1883 viaja sin cifrar, y muchos intermediarios aceptan clientes anónimos: cualquiera puede suscribirse a `#` y leer todos los mensajes (ubicaciones, datos de sensores, a veces credenciales) o publicar órdenes que accionan dispositivos reales. Mosquitto anterior a la 2.0 permitía el acceso anónimo por defecto.',
      fix: [
        'Exija autenticación: en mosquitto.conf ponga `allow_anonymous false` y un `password_file` (creado con `mosquitto_passwd`), y limite los temas de cada usuario con un `acl_file`.',
        'Si solo lo usan clientes locales, haga que el listener escuche solo en loopback: `listener 1883 127.0.0.1`.',
        'Para clientes remotos, use MQTT sobre TLS en el 8883 (`listener 8883` con `certfile`/`keyfile`) y permita el puerto en el cortafuegos solo desde redes conocidas.',
      ],
    },
  },
  {
    service: 'secure-mqtt',
    aliases: ['mqtts', 'ssl/mqtt'],
    ports: ['8883/tcp'],
    level: 'low',
    sources: ['mosquitto-auth'],
    en: {
      summary: 'MQTT over TLS: the message broker with encrypted connections.',
      why: 'Encryption protects the traffic, but a broker that still allows anonymous clients lets anyone read and publish on its topics.',
      fix: [
        'Check that anonymous access is off (`allow_anonymous false`) and that each client has its own credentials or certificate (`require_certificate true`).',
        'Limit topics per user with an ACL file and keep the certificate valid.',
      ],
    },
    es: {
      summary: 'MQTT sobre TLS: el intermediario de mensajes con las conexiones cifradas.',
      why: 'El cifrado protege el tráfico, pero un intermediario que sigue aceptando clientes anónimos permite que cualquiera lea y publique en sus temas.',
      fix: [
        'Compruebe que el acceso anónimo está desactivado (`allow_anonymous false`) y que cada cliente tiene sus propias credenciales o certificado (`require_certificate true`).',
        'Limite los temas de cada usuario con un archivo ACL y mantenga el certificado en vigor.',
      ],
    },
  },
  {
    service: 'nats',
    aliases: ['nats-cluster', 'nats-monitor', 'nats-leafnode'],
    ports: ['4222/tcp', '6222/tcp', '8222/tcp'],
    level: 'medium',
    sources: ['nats-security'],
    en: {
      summary: 'A NATS messaging server (4222 for clients, 6222 for clustering, 8222 for HTTP monitoring).',
      why: 'Without an `authorization` block NATS accepts any client, which can then read and publish on every subject the applications use. The monitoring port 8222 shows connections, subjects and server details to anyone, without authentication.',
      fix: [
        'Configure authentication (users with passwords, NKeys or JWT accounts) and per-user publish/subscribe permissions in nats-server.conf.',
        'Bind to loopback if clients are local (`listen: 127.0.0.1:4222`, `http: 127.0.0.1:8222`) or allow the ports only from application hosts and cluster peers.',
        'Enable TLS for client and cluster connections (`tls { cert_file, key_file }`).',
      ],
    },
    es: {
      summary: 'Un servidor de mensajería NATS (4222 para clientes, 6222 para el clúster, 8222 para la monitorización HTTP).',
      why: 'Sin un bloque `authorization`, NATS acepta a cualquier cliente, que puede entonces leer y publicar en todos los temas que usan las aplicaciones. El puerto de monitorización 8222 muestra conexiones, temas y detalles del servidor a cualquiera, sin autenticación.',
      fix: [
        'Configure la autenticación (usuarios con contraseña, NKeys o cuentas JWT) y permisos de publicación y suscripción por usuario en nats-server.conf.',
        'Si los clientes son locales, haga que escuche solo en loopback (`listen: 127.0.0.1:4222`, `http: 127.0.0.1:8222`) o permita los puertos solo desde los equipos de aplicaciones y los demás nodos del clúster.',
        'Active TLS para las conexiones de clientes y del clúster (`tls { cert_file, key_file }`).',
      ],
    },
  },
  {
    service: 'kafka',
    aliases: ['kafka-broker'],
    ports: ['9092/tcp', '9093/tcp'],
    level: 'high',
    sources: ['kafka-security', 'cisa-aa23-278a'],
    en: {
      summary: 'An Apache Kafka broker, a distributed log through which applications stream events.',
      why: 'Kafka\'s default PLAINTEXT listener has no authentication and no encryption: anyone who reaches it can read every topic, write fake events or delete topics. Event streams often carry personal data and internal credentials.',
      fix: [
        'Use authenticated, encrypted listeners (`listeners=SASL_SSL://:9093` with SCRAM or mTLS) and remove PLAINTEXT listeners reachable from other hosts.',
        'Enable authorization (`authorizer.class.name`, with `allow.everyone.if.no.acl.found=false`) and grant each client only the topics it needs.',
        'Allow the broker ports in the firewall only from producers, consumers and other brokers.',
      ],
    },
    es: {
      summary: 'Un broker de Apache Kafka, un registro distribuido por el que las aplicaciones transmiten eventos.',
      why: 'El listener PLAINTEXT por defecto de Kafka no tiene autenticación ni cifrado: cualquiera que llegue a él puede leer todos los temas, escribir eventos falsos o borrar temas. Los flujos de eventos suelen llevar datos personales y credenciales internas.',
      fix: [
        'Use listeners autenticados y cifrados (`listeners=SASL_SSL://:9093` con SCRAM o mTLS) y elimine los listeners PLAINTEXT accesibles desde otros equipos.',
        'Active la autorización (`authorizer.class.name`, con `allow.everyone.if.no.acl.found=false`) y conceda a cada cliente solo los temas que necesita.',
        'Permita los puertos del broker en el cortafuegos solo desde productores, consumidores y los demás brokers.',
      ],
    },
  },
  {
    service: 'zookeeper',
    aliases: ['zookeeper-client'],
    ports: ['2181/tcp'],
    level: 'high',
    sources: ['zookeeper-admin', 'kafka-security'],
    en: {
      summary: 'Apache ZooKeeper, a coordination service that stores configuration and cluster state for Kafka, Hadoop and others.',
      why: 'By default ZooKeeper accepts unauthenticated clients, and nodes without ACLs can be read and changed by anyone: an attacker can read secrets, break the cluster or hijack it. The "four letter word" commands also reveal server and client details.',
      fix: [
        'Allow port 2181 (and 2888/3888 between ensemble members) in the firewall only from the services that use it.',
        'Enable authentication (SASL, `authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider`) and set ACLs on znodes; enable TLS (`secureClientPort`).',
        'Limit the four letter words (`4lw.commands.whitelist=srvr,ruok`) and bind the AdminServer to loopback (`admin.serverAddress=127.0.0.1`) or turn it off.',
      ],
    },
    es: {
      summary: 'Apache ZooKeeper, un servicio de coordinación que guarda la configuración y el estado del clúster de Kafka, Hadoop y otros.',
      why: 'Por defecto ZooKeeper acepta clientes sin autenticar, y cualquiera puede leer y cambiar los nodos que no tienen ACL: un atacante puede leer secretos, romper el clúster o apoderarse de él. Las órdenes de "cuatro letras" revelan además detalles del servidor y de los clientes.',
      fix: [
        'Permita el puerto 2181 (y el 2888/3888 entre los miembros del conjunto) en el cortafuegos solo desde los servicios que lo usan.',
        'Active la autenticación (SASL, `authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider`) y defina ACL en los znodes; active TLS (`secureClientPort`).',
        'Limite las órdenes de cuatro letras (`4lw.commands.whitelist=srvr,ruok`) y haga que el AdminServer escuche solo en loopback (`admin.serverAddress=127.0.0.1`) o desactívelo.',
      ],
    },
  },
];
