// A service token for background callers (client credentials), fetched from the auth service and
// renewed shortly before it expires.
export class ServiceTokenSource {
  private token: string | undefined;
  private expiresAt = 0;
  private inflight: Promise<string> | undefined;

  constructor(private readonly issue: () => Promise<{ accessToken: string; expiresIn: number }>) {}

  async get(): Promise<string> {
    if (this.token && Date.now() < this.expiresAt - 30_000) return this.token;
    this.inflight ??= this.issue()
      .then(({ accessToken, expiresIn }) => {
        this.token = accessToken;
        this.expiresAt = Date.now() + expiresIn * 1000;
        return accessToken;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }
}
