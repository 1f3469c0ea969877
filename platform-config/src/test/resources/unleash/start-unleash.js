// Starts a real Unleash server (npm unleash-server, installed by this module's build into
// target/npm) for UnleashServerIT, with an admin and a client API token.
const unleash = require('unleash-server');
unleash
  .start({
    db: {
      host: '127.0.0.1',
      port: Number(process.env.PG_PORT),
      user: 'postgres',
      password: 'postgres',
      database: 'unleash',
      ssl: false,
    },
    server: { port: Number(process.env.UNLEASH_PORT) },
    authentication: {
      initApiTokens: [
        { environment: '*', project: '*', secret: process.env.ADMIN_TOKEN, type: 'admin', tokenName: 'paved-admin' },
        { environment: 'development', project: '*', secret: process.env.CLIENT_TOKEN, type: 'client', tokenName: 'paved-client' },
      ],
    },
    logLevel: 'warn',
  })
  .then(() => console.log('unleash started'))
  .catch((e) => {
    console.error('unleash failed to start', e);
    process.exit(1);
  });
