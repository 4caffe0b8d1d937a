/** Who may call what. The order is only for display (error bodies, docs). */
export const ROLES = ['agent', 'store_manager', 'ops'] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
