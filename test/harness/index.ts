export * from './fake-discord.js';
export * from './payloads.js';
export * from './http-endpoint.js';
