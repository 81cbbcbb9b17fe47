/** Risk knowledge for file transfer, file sharing, RPC and printing. */
import type { RiskEntry } from './types.js';

export const FILE_SHARING: readonly RiskEntry[] = [
  {
    service: 'ftp',
    aliases: ['ftp-data', 'ftp-control'],
    ports: ['21/tcp', '20/tcp'],
    level: 'high',
    sources: ['rfc4217', 'nist-sp800-123', 'cisa-aa23-278a'],
    en: {
      summary: 'An FTP server for uploading and downloading files.',
      why: 'Plain FTP sends user names, passwords and files unencrypted, so anyone on the network path can capture them. Anonymous FTP left enabled, or writable, is routinely found and used to leak data or host malware, and old FTP servers have had remote code execution flaws.',
      fix: [
        'Prefer SFTP (part of SSH) and turn the FTP server off if nothing needs it.',
        'If FTP must stay, require TLS (vsftpd: `ssl_enable=YES`, `force_local_logins_ssl=YES`, `force_local_data_ssl=YES`) and disable anonymous access (`anonymous_enable=NO`).',
        'Allow port 21 (and the passive data port range) in the firewall only from the addresses that need it.',
      ],
    },
    es: {
      summary: 'Un servidor FTP para subir y descargar archivos.',
      why: 'FTP sin cifrar envía nombres de usuario, contraseñas y archivos en claro, así que cualquiera en el camino de la red puede capturarlos. Un FTP anónimo que se dejó activo, o con permiso de escritura, se encuentra con frecuencia y se usa para filtrar datos o alojar malware; además, servidores FTP antiguos han tenido fallos de ejecución remota de código.',
      fix: [
        'Prefiera SFTP (parte de SSH) y apague el servidor FTP si nada lo necesita.',
        'Si FTP debe seguir, exija TLS (vsftpd: `ssl_enable=YES`, `force_local_logins_ssl=YES`, `force_local_data_ssl=YES`) y desactive el acceso anónimo (`anonymous_enable=NO`).',
        'Permita el puerto 21 (y el rango de puertos de datos pasivos) en el cortafuegos solo desde las direcciones que lo necesitan.',
      ],
    },
  },
  {
    service: 'tftp',
    ports: ['69/udp'],
    level: 'high',
    sources: ['cisa-ta14-017a', 'nist-sp800-123'],
    en: {
      summary: 'A TFTP server, a minimal file transfer service used for network booting and device configuration.',
      why: 'TFTP has no authentication at all: anyone who reaches it can download any file it serves, often router and phone configurations containing passwords, and upload files if writes are enabled. It is also used for amplification DDoS.',
      fix: [
        'Turn it off when no device is being provisioned (for example `systemctl disable --now tftpd-hpa`).',
        'Otherwise bind it to the provisioning network only (tftpd-hpa: `TFTP_ADDRESS="192.168.10.1:69"`), keep it read-only (no `--create`), and allow 69/udp in the firewall only from that network.',
        'Do not keep secrets in the served directory.',
      ],
    },
    es: {
      summary: 'Un servidor TFTP, un servicio mínimo de transferencia de archivos que se usa para el arranque por red y la configuración de equipos.',
      why: 'TFTP no tiene ninguna autenticación: cualquiera que llegue a él puede descargar cualquier archivo que sirva, a menudo configuraciones de routers y teléfonos con contraseñas, y subir archivos si la escritura está permitida. También se usa para ataques DDoS de amplificación.',
      fix: [
        'Apáguelo cuando no esté aprovisionando ningún equipo (por ejemplo `systemctl disable --now tftpd-hpa`).',
        'Si no, haga que escuche solo en la red de aprovisionamiento (tftpd-hpa: `TFTP_ADDRESS="192.168.10.1:69"`), manténgalo de solo lectura (sin `--create`) y permita el 69/udp en el cortafuegos solo desde esa red.',
        'No guarde secretos en el directorio que sirve.',
      ],
    },
  },
  {
    service: 'microsoft-ds',
    aliases: ['smb', 'cifs', 'samba', 'smb2'],
    ports: ['445/tcp'],
    level: 'high',
    sources: ['cisa-smb-practices', 'ms-smb-versions', 'cve-2017-0144', 'samba-smb-conf'],
    en: {
      summary: 'SMB file and printer sharing (Windows file sharing, or Samba on Linux and NAS devices).',
      why: 'SMB exposed beyond the local network is a classic way in: WannaCry and NotPetya spread through the SMBv1 flaw EternalBlue (CVE-2017-0144), shares are often readable by guests, and attackers guess or relay passwords against it. It should never be reachable from the Internet.',
      fix: [
        'Block TCP 445 (and 139) at the network edge, in both directions.',
        'Disable SMBv1 (Windows: `Set-SmbServerConfiguration -EnableSMB1Protocol $false`; Samba: `server min protocol = SMB2_10`) and install security updates.',
        'On Samba, listen only on the internal interface (`interfaces = lo eth1` with `bind interfaces only = yes`), restrict clients (`hosts allow = 192.168.1.0/24`) and disable guest access (`map to guest = never`).',
        'Require SMB signing, and encryption for sensitive shares.',
      ],
    },
    es: {
      summary: 'Compartición de archivos e impresoras SMB (la de Windows, o Samba en Linux y en equipos NAS).',
      why: 'Un SMB expuesto más allá de la red local es una vía de entrada clásica: WannaCry y NotPetya se propagaron por el fallo de SMBv1 EternalBlue (CVE-2017-0144), las carpetas compartidas suelen poder leerlas los invitados y los atacantes adivinan o retransmiten contraseñas contra él. Nunca debería ser accesible desde Internet.',
      fix: [
        'Bloquee el TCP 445 (y el 139) en el perímetro de la red, en ambos sentidos.',
        'Desactive SMBv1 (Windows: `Set-SmbServerConfiguration -EnableSMB1Protocol $false`; Samba: `server min protocol = SMB2_10`) e instale las actualizaciones de seguridad.',
        'En Samba, escuche solo en la interfaz interna (`interfaces = lo eth1` con `bind interfaces only = yes`), limite los clientes (`hosts allow = 192.168.1.0/24`) y desactive el acceso de invitados (`map to guest = never`).',
        'Exija la firma SMB, y el cifrado en las carpetas con datos sensibles.',
      ],
    },
  },
  {
    service: 'netbios-ssn',
    aliases: ['netbios-session'],
    ports: ['139/tcp'],
    level: 'high',
    sources: ['cisa-smb-practices', 'samba-smb-conf'],
    en: {
      summary: 'SMB file sharing over the old NetBIOS session service.',
      why: 'Port 139 carries the same file sharing as port 445, with the same risks (guest-readable shares, password guessing and relaying, SMB flaws), plus NetBIOS name information. It is only needed by very old clients.',
      fix: [
        'Block TCP 139 at the network edge.',
        'Where no old client needs it, turn it off (Samba: `smb ports = 445` and `disable netbios = yes`; Windows: disable NetBIOS over TCP/IP).',
        'Apply the same hardening as for port 445: no SMBv1, no guest access, signing required.',
      ],
    },
    es: {
      summary: 'Compartición de archivos SMB sobre el antiguo servicio de sesión NetBIOS.',
      why: 'El puerto 139 transporta la misma compartición de archivos que el 445, con los mismos riesgos (carpetas legibles por invitados, contraseñas adivinadas o retransmitidas, fallos de SMB), además de información de nombres NetBIOS. Solo lo necesitan clientes muy antiguos.',
      fix: [
        'Bloquee el TCP 139 en el perímetro de la red.',
        'Donde ningún cliente antiguo lo necesite, desactívelo (Samba: `smb ports = 445` y `disable netbios = yes`; Windows: desactive NetBIOS sobre TCP/IP).',
        'Aplique el mismo refuerzo que para el puerto 445: sin SMBv1, sin acceso de invitados y con firma obligatoria.',
      ],
    },
  },
  {
    service: 'msrpc',
    aliases: ['epmap', 'loc-srv', 'dcerpc'],
    ports: ['135/tcp'],
    level: 'high',
    sources: ['cisa-smb-practices', 'cisa-aa23-278a'],
    en: {
      summary: 'The Microsoft RPC endpoint mapper, through which Windows services (WMI, DCOM, Active Directory and more) are reached.',
      why: 'It reveals which RPC services the machine runs and is the door to remote administration interfaces that attackers use to run commands once they hold credentials. Windows RPC has had wormable flaws (Blaster used this very port).',
      fix: [
        'Block TCP 135 (and the dynamic RPC range 49152-65535) at the network edge; it must never be open to the Internet.',
        'Inside the network, allow it in Windows Defender Firewall only from admin and server subnets that need it.',
        'Keep Windows updated.',
      ],
    },
    es: {
      summary: 'El asignador de puntos finales de Microsoft RPC, por el que se llega a servicios de Windows (WMI, DCOM, Active Directory y otros).',
      why: 'Revela qué servicios RPC ejecuta la máquina y es la puerta a interfaces de administración remota que los atacantes usan para ejecutar órdenes cuando ya tienen credenciales. RPC de Windows ha tenido fallos que se propagaban solos (Blaster usó precisamente este puerto).',
      fix: [
        'Bloquee el TCP 135 (y el rango dinámico de RPC 49152-65535) en el perímetro de la red; nunca debe estar abierto a Internet.',
        'Dentro de la red, permítalo en el Firewall de Windows Defender solo desde las subredes de administración y servidores que lo necesitan.',
        'Mantenga Windows actualizado.',
      ],
    },
  },
  {
    service: 'nfs',
    aliases: ['nfsd', 'nfs4', 'mountd'],
    ports: ['2049/tcp', '2049/udp'],
    level: 'high',
    sources: ['nfs-exports', 'nist-sp800-123'],
    en: {
      summary: 'An NFS server sharing directories with other machines.',
      why: 'NFS (v3, and v4 without Kerberos) trusts the user and group numbers the client claims, so a machine allowed by an export can read or write files as almost any user. Exports to `*` or whole networks, or with `no_root_squash`, hand out the data to anyone who can reach the port.',
      fix: [
        'In /etc/exports, export only to the specific hosts that need each share (for example `/srv/data 192.168.1.10(rw,root_squash)`), never to `*`, then run `exportfs -ra`.',
        'Keep `root_squash` (the default) and use `ro` where writing is not needed; use Kerberos (`sec=krb5p`) where clients are not fully trusted.',
        'Allow port 2049 (and rpcbind 111 for NFSv3) in the firewall only from those clients.',
      ],
    },
    es: {
      summary: 'Un servidor NFS que comparte directorios con otras máquinas.',
      why: 'NFS (v3, y v4 sin Kerberos) confía en los números de usuario y grupo que declara el cliente, así que una máquina autorizada por una exportación puede leer o escribir archivos como casi cualquier usuario. Las exportaciones a `*` o a redes enteras, o con `no_root_squash`, entregan los datos a cualquiera que llegue al puerto.',
      fix: [
        'En /etc/exports, exporte cada carpeta solo a los equipos concretos que la necesitan (por ejemplo `/srv/data 192.168.1.10(rw,root_squash)`), nunca a `*`, y ejecute `exportfs -ra`.',
        'Mantenga `root_squash` (el valor por defecto) y use `ro` donde no haga falta escribir; use Kerberos (`sec=krb5p`) si no confía plenamente en los clientes.',
        'Permita el puerto 2049 (y el 111 de rpcbind para NFSv3) en el cortafuegos solo desde esos clientes.',
      ],
    },
  },
  {
    service: 'rpcbind',
    aliases: ['sunrpc', 'portmap', 'portmapper'],
    ports: ['111/tcp', '111/udp'],
    level: 'medium',
    sources: ['cisa-ta14-017a', 'nfs-exports'],
    en: {
      summary: 'rpcbind (portmapper), which tells clients on which ports RPC services such as NFS are listening.',
      why: 'It lists the RPC services running on the machine, a map for attackers, and over UDP it answers small requests with larger replies, so exposed portmappers are used for amplification DDoS.',
      fix: [
        'If the machine does not serve NFSv3 or other RPC services, disable it: `systemctl disable --now rpcbind.service rpcbind.socket`.',
        'Otherwise allow port 111 (TCP and UDP) in the firewall only from the NFS clients.',
      ],
    },
    es: {
      summary: 'rpcbind (portmapper), que indica a los clientes en qué puertos escuchan los servicios RPC como NFS.',
      why: 'Lista los servicios RPC que corren en la máquina, un mapa para los atacantes, y por UDP responde a peticiones pequeñas con respuestas mayores, así que los portmapper expuestos se usan para ataques DDoS de amplificación.',
      fix: [
        'Si la máquina no sirve NFSv3 ni otros servicios RPC, desactívelo: `systemctl disable --now rpcbind.service rpcbind.socket`.',
        'Si no, permita el puerto 111 (TCP y UDP) en el cortafuegos solo desde los clientes NFS.',
      ],
    },
  },
  {
    service: 'rsync',
    aliases: ['rsyncd'],
    ports: ['873/tcp'],
    level: 'high',
    sources: ['rsyncd-conf', 'nist-sp800-123'],
    en: {
      summary: 'An rsync daemon, which serves directories ("modules") for copying and backups.',
      why: 'The rsync daemon protocol is unencrypted, and modules without `auth users` can be listed and downloaded by anyone; backup modules exposed this way leak whole servers, and writable ones let attackers plant files.',
      fix: [
        'Prefer rsync over SSH (`rsync -e ssh`) and stop the daemon if nothing else uses it.',
        'Otherwise bind it to an internal address (`address = 192.168.1.5` in rsyncd.conf), add `auth users` and `secrets file` to every module, set `read only = yes` where possible, and restrict clients with `hosts allow`.',
        'Allow port 873 in the firewall only from the backup hosts.',
      ],
    },
    es: {
      summary: 'Un demonio rsync, que sirve directorios ("módulos") para copias y respaldos.',
      why: 'El protocolo del demonio rsync no va cifrado, y los módulos sin `auth users` pueden listarse y descargarse por cualquiera; los módulos de respaldo expuestos así filtran servidores enteros, y los que admiten escritura permiten a los atacantes dejar archivos.',
      fix: [
        'Prefiera rsync sobre SSH (`rsync -e ssh`) y detenga el demonio si nada más lo usa.',
        'Si no, haga que escuche solo en una dirección interna (`address = 192.168.1.5` en rsyncd.conf), añada `auth users` y `secrets file` a cada módulo, ponga `read only = yes` donde sea posible y limite los clientes con `hosts allow`.',
        'Permita el puerto 873 en el cortafuegos solo desde los equipos de respaldo.',
      ],
    },
  },
  {
    service: 'ipp',
    aliases: ['cups', 'ipps', 'printer', 'cups-browsed'],
    ports: ['631/tcp', '631/udp', '515/tcp'],
    level: 'medium',
    sources: ['cups-browsed-ghsa', 'nist-sp800-123'],
    en: {
      summary: 'A print service: CUPS or a printer speaking IPP (and the older LPD on port 515).',
      why: 'Print servers reachable from other networks can be used to print junk or read job details, and their admin pages accept password guesses. On Linux, cups-browsed listening on UDP 631 had a chain of flaws (2024) that let an attacker on the network add a malicious printer and run commands when a job was printed.',
      fix: [
        'If this machine does not share printers, make CUPS listen locally only (`Listen localhost:631` in cupsd.conf) and stop cups-browsed: `systemctl disable --now cups-browsed`.',
        'Block 631 (TCP and UDP) and 515 at the network edge; allow them only from the local network where printers are shared.',
        'Keep CUPS and printer firmware updated, and protect the admin pages with a password.',
      ],
    },
    es: {
      summary: 'Un servicio de impresión: CUPS o una impresora que habla IPP (y el antiguo LPD en el puerto 515).',
      why: 'Los servidores de impresión accesibles desde otras redes pueden usarse para imprimir basura o leer detalles de los trabajos, y sus páginas de administración aceptan intentos de adivinar contraseñas. En Linux, cups-browsed escuchando en UDP 631 tuvo una cadena de fallos (2024) que permitía a un atacante de la red añadir una impresora maliciosa y ejecutar órdenes al imprimir un trabajo.',
      fix: [
        'Si esta máquina no comparte impresoras, haga que CUPS escuche solo en local (`Listen localhost:631` en cupsd.conf) y detenga cups-browsed: `systemctl disable --now cups-browsed`.',
        'Bloquee el 631 (TCP y UDP) y el 515 en el perímetro de la red; permítalos solo desde la red local donde se comparten las impresoras.',
        'Mantenga actualizados CUPS y el firmware de las impresoras, y proteja las páginas de administración con contraseña.',
      ],
    },
  },
];
