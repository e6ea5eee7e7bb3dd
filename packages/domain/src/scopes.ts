import { z } from 'zod';

export const API_SCOPES = ['feedback:write', 'feedback:read', 'actions:read', 'actions:write', 'admin'] as const;
export const apiScopeSchema = z.enum(API_SCOPES);
export type ApiScope = z.infer<typeof apiScopeSchema>;

export const STAFF_ROLES = ['viewer', 'staff', 'manager', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Permissions a staff role carries; `publish` is what approving a publication requires. */
export const ROLE_PERMISSIONS: Record<StaffRole, readonly string[]> = {
  viewer: ['read'],
  staff: ['read', 'triage', 'feedback:write'],
  manager: ['read', 'triage', 'feedback:write', 'actions:write', 'publish'],
  admin: ['read', 'triage', 'feedback:write', 'actions:write', 'publish', 'admin'],
};

export function hasScope(granted: readonly string[], needed: ApiScope): boolean {
  return granted.includes('admin') || granted.includes(needed);
}
