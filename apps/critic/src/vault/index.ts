export type { TokenVault } from './vault.js';
export { RedisTokenVault, type RedisTokenVaultOptions, type VaultRedis } from './redis-vault.js';
export { MemoryTokenVault, type MemoryTokenVaultOptions } from './memory-vault.js';
