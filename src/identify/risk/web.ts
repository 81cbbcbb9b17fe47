/** Risk knowledge for web servers and proxies. */
import type { RiskEntry } from './types.js';

export const WEB: readonly RiskEntry[] = [
  {
    service: 'http',
    aliases: ['http-alt', 'http-proxy', 'www', 'www-http'],
    ports: ['80/tcp', '8080/tcp', '8000/tcp', '8008/tcp', '8088/tcp'],
    level: 'low',
    sources: ['nist-sp800-123', 'cisa-aa23-278a'],
    en: {
      summary: 'A web server speaking plain HTTP, without encryption.',
      why: 'A public website on port 80 is normal, but anything sent over plain HTTP (logins, cookies, forms) can be read or changed by anyone on the network path. Web servers on unusual ports are often forgotten admin panels, development servers or device interfaces with default passwords.',
      fix: [
        'If the site is meant to be public, redirect HTTP to HTTPS and serve the content only over TLS (and send the Strict-Transport-Security header).',
        'If it is an admin panel, a development server or a device page, make it listen on 127.0.0.1 only, or allow its port in the firewall just from the networks that need it.',
        'Keep the web server and the applications behind it updated, and remove default pages and default credentials.',
      ],
    },
    es: {
      summary: 'Un servidor web que habla HTTP sin cifrar.',
      why: 'Un sitio web público en el puerto 80 es normal, pero todo lo que pasa por HTTP sin cifrar (inicios de sesión, cookies, formularios) puede ser leído o modificado por cualquiera en el camino. Los servidores web en puertos poco habituales suelen ser paneles de administración olvidados, servidores de desarrollo o interfaces de dispositivos con contraseñas de fábrica.',
      fix: [
        'Si el sitio debe ser público, redirija HTTP a HTTPS y sirva el contenido solo por TLS (y envíe la cabecera Strict-Transport-Security).',
        'Si es un panel de administración, un servidor de desarrollo o la página de un dispositivo, haga que escuche solo en 127.0.0.1, o permita su puerto en el cortafuegos únicamente desde las redes que lo necesitan.',
        'Mantenga actualizados el servidor web y las aplicaciones que sirve, y elimine las páginas y credenciales por defecto.',
      ],
    },
  },
  {
    service: 'https',
    aliases: ['https-alt', 'ssl/http', 'tls/http', 'http-over-tls', 'http2'],
    ports: ['443/tcp', '8443/tcp', '443/udp'],
    level: 'info',
    sources: ['nist-sp800-123', 'cisa-aa23-278a'],
    en: {
      summary: 'A web server speaking HTTP over TLS, so its traffic is encrypted.',
      why: 'HTTPS protects the traffic, not the application: an exposed HTTPS port is only as safe as the site or admin panel behind it. Expired or self-signed certificates train users to click through warnings.',
      fix: [
        'Check that whatever answers here is meant to be public; admin interfaces should listen on 127.0.0.1 or be allowed in the firewall only from trusted networks.',
        'Use a valid certificate (for example from Let\'s Encrypt), TLS 1.2 or later, and renew before expiry.',
        'Keep the web server and applications updated and require strong authentication on any admin page.',
      ],
    },
    es: {
      summary: 'Un servidor web que habla HTTP sobre TLS, es decir, con el tráfico cifrado.',
      why: 'HTTPS protege el tráfico, no la aplicación: un puerto HTTPS expuesto es tan seguro como el sitio o el panel de administración que hay detrás. Los certificados caducados o autofirmados acostumbran a los usuarios a aceptar las advertencias sin leerlas.',
      fix: [
        'Compruebe que lo que responde aquí debe ser público; las interfaces de administración deberían escuchar en 127.0.0.1 o estar permitidas en el cortafuegos solo desde redes de confianza.',
        'Use un certificado válido (por ejemplo de Let\'s Encrypt), TLS 1.2 o superior, y renuévelo antes de que caduque.',
        'Mantenga actualizados el servidor web y las aplicaciones, y exija una autenticación robusta en cualquier página de administración.',
      ],
    },
  },
];
