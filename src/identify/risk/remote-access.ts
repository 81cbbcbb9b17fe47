/** Risk knowledge for remote shells and remote desktops. */
import type { RiskEntry } from './types.js';

export const REMOTE_ACCESS: readonly RiskEntry[] = [
  {
    service: 'ssh',
    ports: ['22/tcp'],
    level: 'medium',
    sources: ['openssh-sshd-config', 'nist-sp800-123', 'cisa-aa23-278a'],
    en: {
      summary: 'SSH gives an encrypted remote shell and file transfer on this machine.',
      why: 'SSH itself is safe to expose when it is kept up to date, but every SSH server on the Internet receives a steady stream of password-guessing attempts; a weak password, or root login with a password, is enough to lose the machine. Old versions have had serious bugs (for example regreSSHion, CVE-2024-6387).',
      fix: [
        'Use key-based logins and turn off passwords: in /etc/ssh/sshd_config set `PasswordAuthentication no` and `KbdInteractiveAuthentication no`, then reload sshd.',
        'Forbid direct root logins with passwords: `PermitRootLogin prohibit-password` (or `no`).',
        'If only some networks need it, allow port 22 in the firewall just from them (or put it behind a VPN), and rate-limit new connections (fail2ban or an nftables meter).',
        'Keep OpenSSH updated with the system\'s security updates.',
      ],
    },
    es: {
      summary: 'SSH ofrece un intérprete de órdenes remoto y transferencia de archivos cifrados en esta máquina.',
      why: 'Exponer SSH es razonable si se mantiene actualizado, pero todo servidor SSH en Internet recibe un flujo constante de intentos de adivinar contraseñas; basta una contraseña débil, o permitir a root entrar con contraseña, para perder la máquina. Las versiones antiguas han tenido fallos graves (por ejemplo regreSSHion, CVE-2024-6387).',
      fix: [
        'Entre con claves y desactive las contraseñas: en /etc/ssh/sshd_config ponga `PasswordAuthentication no` y `KbdInteractiveAuthentication no`, y recargue sshd.',
        'Impida que root entre directamente con contraseña: `PermitRootLogin prohibit-password` (o `no`).',
        'Si solo algunas redes lo necesitan, permita el puerto 22 en el cortafuegos únicamente desde ellas (o póngalo detrás de una VPN) y limite la frecuencia de conexiones nuevas (fail2ban o un meter de nftables).',
        'Mantenga OpenSSH al día con las actualizaciones de seguridad del sistema.',
      ],
    },
  },
  {
    service: 'telnet',
    ports: ['23/tcp', '2323/tcp'],
    level: 'critical',
    sources: ['cisa-ta16-288a', 'cisa-aa23-278a', 'nist-sp800-123'],
    en: {
      summary: 'Telnet is an old remote login protocol with no encryption at all.',
      why: 'Usernames, passwords and everything typed cross the network in cleartext, so anyone on the path can read them. Telnet on routers, cameras and other devices is what botnets such as Mirai scan for: they log in with a short list of factory-default passwords and take the device over.',
      fix: [
        'Turn the Telnet service off (for example `systemctl disable --now telnet.socket` or remove the telnetd / inetd entry); on a device, disable it in its administration page.',
        'Use SSH instead for remote administration.',
        'Until it is off, block ports 23 and 2323 in the firewall and change any default password on the device.',
      ],
    },
    es: {
      summary: 'Telnet es un protocolo antiguo de acceso remoto que no cifra nada.',
      why: 'Los nombres de usuario, las contraseñas y todo lo que se escribe viajan por la red en claro, así que cualquiera en el camino puede leerlos. Telnet en routers, cámaras y otros dispositivos es justo lo que buscan botnets como Mirai: entran con una lista corta de contraseñas de fábrica y se apoderan del equipo.',
      fix: [
        'Desactive el servicio Telnet (por ejemplo `systemctl disable --now telnet.socket`, o quite la entrada de telnetd / inetd); en un dispositivo, desactívelo en su página de administración.',
        'Use SSH para la administración remota.',
        'Mientras siga activo, bloquee los puertos 23 y 2323 en el cortafuegos y cambie cualquier contraseña de fábrica del dispositivo.',
      ],
    },
  },
];
