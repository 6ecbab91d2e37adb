// The adapters this deployment is configured for, by provider.
import { AppError } from '@family/errors';
import type { BankAdapter, ProviderName } from '../adapters/bank.adapter.js';

export class ProviderRegistry {
  private readonly byName: Map<ProviderName, BankAdapter>;

  constructor(adapters: readonly BankAdapter[]) {
    this.byName = new Map(adapters.map((a) => [a.provider, a]));
  }

  list(): BankAdapter[] {
    return [...this.byName.values()];
  }

  /** The adapter for a provider a caller named; FAILED_PRECONDITION when it is not configured here. */
  require(provider: ProviderName): BankAdapter {
    const adapter = this.byName.get(provider);
    if (!adapter) {
      throw AppError.precondition('PROVIDER_NOT_CONFIGURED', `${provider} is not configured on this deployment`);
    }
    return adapter;
  }

  find(provider: ProviderName): BankAdapter | undefined {
    return this.byName.get(provider);
  }
}
