import { router } from './router.svelte.ts';
import { loginHref } from './routes.ts';
import { loadSession, session, type User } from './space.svelte.ts';

/**
 * The logged-in user of a space page; without a session, the login page (coming back here
 * afterwards) and null. A team member on the operator's page gets 'forbidden'.
 */
export async function requireLogin(role?: 'operator'): Promise<User | 'forbidden' | null> {
  const user = session.loaded && session.user ? session.user : await loadSession();
  if (!user) {
    router.navigate(loginHref(location.pathname + location.search), { replace: true });
    return null;
  }
  if (role && user.role !== role) return 'forbidden';
  return user;
}
