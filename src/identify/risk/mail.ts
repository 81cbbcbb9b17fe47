/** Risk knowledge for mail transfer, submission and mailbox access. */
import type { RiskEntry } from './types.js';

export const MAIL: readonly RiskEntry[] = [
  {
    service: 'smtp',
    aliases: ['mail', 'smtp-relay'],
    ports: ['25/tcp'],
    level: 'low',
    sources: ['rfc8314', 'nist-sp800-123'],
    en: {
      summary: 'An SMTP mail server, which receives e-mail from other mail servers.',
      why: 'A mail server that must receive Internet mail has to be reachable on port 25, and that is fine. The danger is an open relay, which forwards mail for anyone and soon ends up sending spam and on blocklists, and SMTP AUTH over this port without TLS, which exposes passwords.',
      fix: [
        'If this machine should not receive mail from other servers, make the MTA listen on loopback only (Postfix: `inet_interfaces = loopback-only` in main.cf; Exim: `local_interfaces = <; 127.0.0.1 ; ::1`).',
        'If it should, make sure it only relays for your own users and networks (Postfix: `smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination`).',
        'Offer STARTTLS, and let users send mail through the submission port (587 or 465) with authentication rather than port 25.',
      ],
    },
    es: {
      summary: 'Un servidor de correo SMTP, que recibe mensajes de otros servidores de correo.',
      why: 'Un servidor que debe recibir correo de Internet tiene que ser accesible en el puerto 25, y eso está bien. El peligro es un relé abierto, que reenvía correo de cualquiera y acaba enviando spam y apareciendo en listas de bloqueo, y la autenticación SMTP por este puerto sin TLS, que expone las contraseñas.',
      fix: [
        'Si esta máquina no debe recibir correo de otros servidores, haga que el MTA escuche solo en loopback (Postfix: `inet_interfaces = loopback-only` en main.cf; Exim: `local_interfaces = <; 127.0.0.1 ; ::1`).',
        'Si debe recibirlo, asegúrese de que solo reenvía para sus propios usuarios y redes (Postfix: `smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination`).',
        'Ofrezca STARTTLS y haga que los usuarios envíen su correo por el puerto de envío (587 o 465) con autenticación, no por el 25.',
      ],
    },
  },
  {
    service: 'submission',
    ports: ['587/tcp'],
    level: 'low',
    sources: ['rfc8314', 'nist-sp800-123'],
    en: {
      summary: 'The mail submission port, where users\' mail programs hand over outgoing e-mail after logging in.',
      why: 'Submission is meant to be reachable by your users, but it takes passwords, so it attracts password-guessing and, with stolen passwords, spammers. If authentication is allowed before STARTTLS, passwords cross the network readable.',
      fix: [
        'Require TLS before authentication (Postfix: `smtpd_tls_security_level = encrypt` and `smtpd_tls_auth_only = yes` for the submission service in master.cf).',
        'Rate-limit or block repeated failed logins (for example with fail2ban), and use strong, unique passwords.',
        'If no one sends mail through this server, turn the submission service off.',
      ],
    },
    es: {
      summary: 'El puerto de envío de correo, donde los programas de correo de los usuarios entregan los mensajes salientes tras iniciar sesión.',
      why: 'El puerto de envío está pensado para que lo usen sus usuarios, pero recibe contraseñas, así que atrae intentos de adivinarlas y, con contraseñas robadas, a quienes envían spam. Si se permite autenticarse antes de STARTTLS, las contraseñas cruzan la red de forma legible.',
      fix: [
        'Exija TLS antes de la autenticación (Postfix: `smtpd_tls_security_level = encrypt` y `smtpd_tls_auth_only = yes` para el servicio submission en master.cf).',
        'Limite o bloquee los inicios de sesión fallidos repetidos (por ejemplo con fail2ban) y use contraseñas robustas y únicas.',
        'Si nadie envía correo a través de este servidor, desactive el servicio de envío.',
      ],
    },
  },
  {
    service: 'submissions',
    aliases: ['smtps', 'ssmtp'],
    ports: ['465/tcp'],
    level: 'info',
    sources: ['rfc8314'],
    en: {
      summary: 'Mail submission over implicit TLS: users\' mail programs send outgoing e-mail here, encrypted from the first byte.',
      why: 'This is the recommended way to accept mail from users, so exposing it is normal. The remaining risk is password guessing against the accounts that log in here.',
      fix: [
        'Use strong, unique passwords and rate-limit failed logins (for example with fail2ban).',
        'Keep the certificate valid and the mail server updated.',
      ],
    },
    es: {
      summary: 'Envío de correo sobre TLS implícito: los programas de correo de los usuarios entregan aquí los mensajes salientes, cifrados desde el primer byte.',
      why: 'Es la forma recomendada de aceptar el correo de los usuarios, así que exponerlo es normal. El riesgo que queda son los intentos de adivinar las contraseñas de las cuentas que inician sesión aquí.',
      fix: [
        'Use contraseñas robustas y únicas y limite los inicios de sesión fallidos (por ejemplo con fail2ban).',
        'Mantenga el certificado en vigor y el servidor de correo actualizado.',
      ],
    },
  },
  {
    service: 'pop3',
    aliases: ['pop-3'],
    ports: ['110/tcp'],
    level: 'medium',
    sources: ['rfc8314', 'nist-sp800-123'],
    en: {
      summary: 'A POP3 mailbox server, from which mail programs download messages.',
      why: 'Plain POP3 sends the user name and password, and then every message, unencrypted unless the client switches to TLS with STLS. Anyone on the network path (public Wi-Fi, a compromised router) can collect them.',
      fix: [
        'Offer POP3 only over TLS on port 995 (pop3s) and turn the plain listener off (Dovecot: `port = 0` for `inet_listener pop3`).',
        'If port 110 must stay, refuse logins before TLS (Dovecot: `ssl = required`, `disable_plaintext_auth = yes`).',
        'Limit failed logins and prefer IMAP over TLS for new setups.',
      ],
    },
    es: {
      summary: 'Un servidor de buzones POP3, del que los programas de correo descargan los mensajes.',
      why: 'POP3 sin cifrar envía el nombre de usuario y la contraseña, y después cada mensaje, en claro, salvo que el cliente pase a TLS con STLS. Cualquiera en el camino de la red (una Wi-Fi pública, un router comprometido) puede recogerlos.',
      fix: [
        'Ofrezca POP3 solo sobre TLS en el puerto 995 (pop3s) y desactive el acceso sin cifrar (Dovecot: `port = 0` en `inet_listener pop3`).',
        'Si el puerto 110 debe seguir abierto, rechace los inicios de sesión antes de TLS (Dovecot: `ssl = required`, `disable_plaintext_auth = yes`).',
        'Limite los inicios de sesión fallidos y, en instalaciones nuevas, prefiera IMAP sobre TLS.',
      ],
    },
  },
  {
    service: 'pop3s',
    aliases: ['spop3', 'pop3-ssl'],
    ports: ['995/tcp'],
    level: 'info',
    sources: ['rfc8314'],
    en: {
      summary: 'POP3 over TLS: mailbox download with the connection encrypted.',
      why: 'The traffic is encrypted, so exposing it for your users is normal; what remains is password guessing against mailbox accounts.',
      fix: [
        'Use strong passwords and rate-limit failed logins.',
        'Keep the certificate valid and the mail server updated.',
      ],
    },
    es: {
      summary: 'POP3 sobre TLS: descarga de los buzones con la conexión cifrada.',
      why: 'El tráfico va cifrado, así que exponerlo para sus usuarios es normal; lo que queda es el riesgo de que intenten adivinar las contraseñas de los buzones.',
      fix: [
        'Use contraseñas robustas y limite los inicios de sesión fallidos.',
        'Mantenga el certificado en vigor y el servidor de correo actualizado.',
      ],
    },
  },
  {
    service: 'imap',
    aliases: ['imap2', 'imap4'],
    ports: ['143/tcp'],
    level: 'medium',
    sources: ['rfc8314', 'nist-sp800-123'],
    en: {
      summary: 'An IMAP mailbox server, through which mail programs read and organise messages on the server.',
      why: 'Plain IMAP sends the user name, the password and the mail itself unencrypted unless the client upgrades with STARTTLS, which an attacker on the path can strip. Mailbox passwords are also a favourite target for guessing.',
      fix: [
        'Offer IMAP over TLS on port 993 (imaps) and turn the plain listener off (Dovecot: `port = 0` for `inet_listener imap`).',
        'If port 143 must stay, refuse logins before TLS (Dovecot: `ssl = required`, `disable_plaintext_auth = yes`).',
        'Rate-limit failed logins and use strong passwords.',
      ],
    },
    es: {
      summary: 'Un servidor de buzones IMAP, con el que los programas de correo leen y organizan los mensajes en el servidor.',
      why: 'IMAP sin cifrar envía el nombre de usuario, la contraseña y el propio correo en claro, salvo que el cliente pase a TLS con STARTTLS, y un atacante en el camino puede impedir ese paso. Además, las contraseñas de los buzones son un objetivo favorito de quienes intentan adivinarlas.',
      fix: [
        'Ofrezca IMAP sobre TLS en el puerto 993 (imaps) y desactive el acceso sin cifrar (Dovecot: `port = 0` en `inet_listener imap`).',
        'Si el puerto 143 debe seguir abierto, rechace los inicios de sesión antes de TLS (Dovecot: `ssl = required`, `disable_plaintext_auth = yes`).',
        'Limite los inicios de sesión fallidos y use contraseñas robustas.',
      ],
    },
  },
  {
    service: 'imaps',
    aliases: ['imap-ssl', 'imap3s'],
    ports: ['993/tcp'],
    level: 'info',
    sources: ['rfc8314'],
    en: {
      summary: 'IMAP over TLS: mailbox access with the connection encrypted.',
      why: 'The traffic is encrypted, so exposing it for your users is normal; what remains is password guessing against mailbox accounts.',
      fix: [
        'Use strong passwords (or app passwords) and rate-limit failed logins.',
        'Keep the certificate valid and the mail server updated.',
      ],
    },
    es: {
      summary: 'IMAP sobre TLS: acceso a los buzones con la conexión cifrada.',
      why: 'El tráfico va cifrado, así que exponerlo para sus usuarios es normal; lo que queda es el riesgo de que intenten adivinar las contraseñas de los buzones.',
      fix: [
        'Use contraseñas robustas (o contraseñas de aplicación) y limite los inicios de sesión fallidos.',
        'Mantenga el certificado en vigor y el servidor de correo actualizado.',
      ],
    },
  },
];
