// The shared building blocks of src/components/ui.tsx as a user (and a screen reader) meets them.
import { expect } from 'chai';
import { ErrorMessage, Field, Loading, Progress } from '../src/components/ui';
import { ApiError } from '../src/lib/problem';
import { useComponentWorld } from './component.harness';

describe('web app components: ui', () => {
  const { render, waitFor } = useComponentWorld();

  const bar = (container: HTMLElement) => container.querySelector<HTMLElement>('[role="progressbar"]')!;

  it('shows a progress bar with its value for assistive technology', async () => {
    const { container } = render(<Progress percent={42} label="Groceries" />);
    const progress = await waitFor(() => {
      expect(bar(container)).not.to.equal(null);
      return bar(container);
    });
    expect(progress.getAttribute('aria-label')).to.equal('Groceries');
    expect(progress.getAttribute('aria-valuenow')).to.equal('42');
    expect(progress.getAttribute('aria-valuemin')).to.equal('0');
    expect(progress.getAttribute('aria-valuemax')).to.equal('100');
    expect(progress.className).to.equal('bar');
    expect((progress.firstElementChild as HTMLElement).style.width).to.equal('42%');
  });

  it('fills an overspent bar to the end and marks it as over', async () => {
    const { container } = render(<Progress percent={130} label="Dining" />);
    const progress = await waitFor(() => bar(container));
    expect(progress.getAttribute('aria-valuenow')).to.equal('100');
    expect(progress.classList.contains('over')).to.equal(true);
    expect((progress.firstElementChild as HTMLElement).style.width).to.equal('100%');
  });

  it('keeps a negative share at an empty bar', async () => {
    const { container } = render(<Progress percent={-5} label="Refunds" />);
    const progress = await waitFor(() => bar(container));
    expect(progress.getAttribute('aria-valuenow')).to.equal('0');
    expect(progress.classList.contains('over')).to.equal(false);
  });

  it('labels a form field with its text', async () => {
    const { container } = render(
      <Field label="Amount">
        <input name="amount" />
      </Field>,
    );
    const label = await waitFor(() => container.querySelector('label.field')!);
    expect(label.textContent).to.equal('Amount');
    expect(label.querySelector('input[name="amount"]')).not.to.equal(null);
  });

  it('announces loading politely', async () => {
    const { container } = render(<Loading />);
    const status = await waitFor(() => container.querySelector('[role="status"]'));
    expect(status.getAttribute('aria-live')).to.equal('polite');
    expect(status.textContent).to.equal('Loading…');
  });

  it('says it is loading in German when German is picked', async () => {
    const { container } = render(<Loading />, { locale: 'de' });
    await waitFor(() => expect(container.textContent).to.equal('Lädt…'));
  });

  it('shows nothing while there is no error', async () => {
    const { container } = render(
      <>
        <p>content</p>
        <ErrorMessage error={undefined} />
        <ErrorMessage error={null} />
      </>,
    );
    await waitFor(() => expect(container.textContent).to.equal('content'));
    expect(container.querySelector('[role="alert"]')).to.equal(null);
  });

  it('shows an error as an alert with a readable sentence in the user’s language', async () => {
    const forbidden = new ApiError(
      403,
      { status: 403, detail: 'Only a parent may do this', code: 'NOT_A_PARENT' },
      true,
    );
    const { container } = render(<ErrorMessage error={forbidden} />, { locale: 'de' });
    await waitFor(() =>
      expect(container.querySelector('[role="alert"]')!.textContent).to.equal('Das darfst du nicht.'),
    );
    expect(container.querySelector('p.error')).not.to.equal(null);
  });

  it('shows the field errors of a refused form in the alert', async () => {
    const refused = new ApiError(
      400,
      {
        status: 400,
        detail: 'The request is not valid',
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'title', message: 'must not be empty' }],
      },
      true,
    );
    const { container } = render(<ErrorMessage error={refused} />);
    await waitFor(() =>
      expect(container.querySelector('[role="alert"]')!.textContent).to.equal(
        'The request is not valid — title: must not be empty',
      ),
    );
  });
});
