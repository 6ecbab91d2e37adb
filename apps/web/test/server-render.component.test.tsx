// What the server sends before any script runs (react-dom/server, no window): the frame with its
// loading line and nothing of a page's content, as Next prerenders every page.
import { expect } from 'chai';
import { renderToStaticMarkup, renderToString } from 'react-dom/server';
import ChildHomePage from '../src/app/child/page';
import { Shell } from '../src/components/Shell';
import { Field, Progress } from '../src/components/ui';
import { inApp, useClassicJsx } from './component.harness';

describe('web app components: server rendering', () => {
  useClassicJsx();

  it('renders the frame without a window, with the loading line and no navigation yet', () => {
    expect(typeof window).to.equal('undefined');
    const html = renderToString(inApp(<Shell title="Overview">family data</Shell>, '/dashboard'));
    expect(html).to.contain('<a class="brand" href="/child">Family Money</a>');
    expect(html).to.contain('<nav aria-label="Main"></nav>');
    expect(html).to.contain('<h1>Overview</h1><p class="loading" role="status" aria-live="polite">Loading…</p>');
    expect(html).not.to.contain('family data');
    expect(html).not.to.contain('Log out');
  });

  it('renders a whole screen without a window', () => {
    const html = renderToString(inApp(<ChildHomePage />, '/child'));
    expect(html).to.contain('<h1>My home</h1>');
    expect(html).to.contain('role="status"');
    expect(html).not.to.contain('role="alert"');
  });

  it('renders a progress bar with its values in the markup', () => {
    expect(renderToStaticMarkup(<Progress percent={75} label="Groceries" />)).to.equal(
      '<div class="bar" role="progressbar" aria-label="Groceries" aria-valuemin="0" aria-valuemax="100" aria-valuenow="75">' +
        '<div style="width:75%"></div></div>',
    );
    expect(renderToStaticMarkup(<Progress percent={250} label="Dining" />)).to.contain(
      'class="bar over" role="progressbar" aria-label="Dining" aria-valuemin="0" aria-valuemax="100" aria-valuenow="100"',
    );
  });

  it('renders a field as a label around its text and input', () => {
    expect(
      renderToStaticMarkup(
        <Field label="Reward">
          <input name="reward" />
        </Field>,
      ),
    ).to.equal('<label class="field"><span>Reward</span><input name="reward"/></label>');
  });
});
