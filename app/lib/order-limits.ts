/**
 * Bounds of the support actions on an order's access, shared by the service, the API
 * contract, the admin's action schema and its forms (client-safe: no server imports).
 */
export const MAX_GRANT_DOWNLOADS = 1000;
export const MAX_EXPIRY_EXTENSION_DAYS = 3650;
