import type { ApiClient } from '../../api/api-client'
import type { AdminArgs, ApiArgs, ApiData, ApiMethod } from '../../shared/api/contract'
import type { ApiResult } from '../../shared/api/result'
import { useAdminStore } from '../../store/admin-store'
import { refreshRecent } from '../../store/kiosk-actions'
import { useKioskStore } from '../../store/kiosk-store'

/** Methods whose arguments carry the admin session token. */
export type AdminMethod = { [M in ApiMethod]: ApiArgs<M> extends AdminArgs ? M : never }[ApiMethod]

/** The arguments of an admin method without the token (added here). */
export type AdminCallArgs<M extends AdminMethod> = Omit<ApiArgs<M>, 'token'>

/**
 * Calls an admin method with the session's token. `admin-required` (expired or unknown session)
 * closes admin mode: the kiosk comes back and the next admin needs the PIN.
 */
export async function adminInvoke<M extends AdminMethod>(api: ApiClient, method: M, args: AdminCallArgs<M>): Promise<ApiResult<ApiData<M>>> {
  const { token } = useAdminStore.getState()
  if (!token) {
    useAdminStore.getState().close()
    return { ok: false, error: { code: 'admin-required', message: 'No admin session' } }
  }
  const r = await api.invoke(method, { ...args, token } as ApiArgs<M>)
  if (!r.ok && r.error.code === 'admin-required') useAdminStore.getState().close()
  return r
}

/** Leaves admin mode: ends the session on the host (best effort) and shows the kiosk again. */
export function leaveAdmin(api: ApiClient): void {
  const { token, close } = useAdminStore.getState()
  if (token) void api.invoke('admin/logout', { token })
  close()
}

/**
 * After admin mode closes: the kiosk screen reads the settings (name, location, privacy notice, recent
 * list mode) and today's recent list again, so corrections and saved settings show without a reload.
 */
export async function refreshKioskAfterAdmin(api: ApiClient): Promise<void> {
  const s = await api.invoke('settings/get', {})
  if (s.ok) useKioskStore.getState().setSettings(s.data)
  await refreshRecent(api)
}
