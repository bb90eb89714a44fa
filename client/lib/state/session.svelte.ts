import type { Profile, ProfileUpdate } from '#shared/schema/profile.ts';
import type { LoginRequest, RegisterRequest, User } from '#shared/schema/auth.ts';
import { api } from '../api/client.ts';
import { errorCode } from '../errors.ts';

type StoredProfile = Omit<Profile, 'calendar_url'>;

/** The signed-in runner, shared by every screen. */
class SessionState {
  user = $state<User | null>(null);
  profile = $state<StoredProfile | null>(null);
  loaded = $state(false);

  /**
   * Asks the server who is signed in. When it cannot tell (offline), `loaded` is left to the
   * caller: marking the session loaded but empty would send a private screen away before the
   * caller puts the runner last seen on this device in place (an offline deep link).
   */
  async refresh(): Promise<void> {
    try {
      const me = await api<{ user: User; profile: StoredProfile }>('GET', '/auth/me');
      this.user = me.user;
      this.profile = me.profile;
    } catch (error) {
      if (errorCode(error) !== 'unauthenticated') throw error;
      this.user = null;
      this.profile = null;
    }
    this.loaded = true;
  }

  async register(input: RegisterRequest): Promise<void> {
    await api('POST', '/auth/register', input);
    await this.refresh();
  }

  async signIn(input: LoginRequest): Promise<void> {
    await api('POST', '/auth/login', input);
    await this.refresh();
  }

  async signOut(): Promise<void> {
    await api('POST', '/auth/logout');
    this.user = null;
    this.profile = null;
  }

  async saveProfile(update: ProfileUpdate): Promise<void> {
    const { profile } = await api<{ profile: StoredProfile }>('PUT', '/profile', update);
    this.profile = profile;
  }
}

export const session = new SessionState();
