/**
 * Rich text sanitising (platform/records/rich-text.ts) against the usual cross-site scripting payloads (OWASP's XSS
 * filter evasion cheat sheet, abridged): whatever goes in, what comes out parses (with htmlparser2, decoding
 * entities as a browser does) into elements and attributes of the allow-list only, links with allowed schemes only
 * and images from allowed sources only — nothing that can run. Also the plain text of rich text.
 */
import { expect } from 'chai';
import { parseDocument } from 'htmlparser2';
import type { ChildNode, Element } from 'domhandler';
import { plainTextOf, sanitizeRichText } from '../../../platform/records/rich-text.js';
import { RICH_TEXT_POLICY, imageSourceAllowed, linkAllowed } from '../../../platform/records/rich-text-policy.js';

const PAYLOADS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>',
  '<ScRiPt>alert(1)</sCrIpT>',
  '<script>alert(1)',
  '<img src=x onerror=alert(1)>',
  '<IMG SRC="javascript:alert(\'XSS\');">',
  '<IMG SRC=JaVaScRiPt:alert(1)>',
  '<img src="jav&#x09;ascript:alert(1);">',
  '<img src=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;>',
  '<img """><script>alert(1)</script>">',
  '<img src="/x" onload="alert(1)" ONERROR="alert(1)">',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  '<a href="javascript:alert(1)">click</a>',
  '<a href="JAVASCRIPT:alert(1)">click</a>',
  '<a href="jav&#x09;ascript:alert(1)">click</a>',
  '<a href="jav&#x0A;ascript:alert(1)">click</a>',
  '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">click</a>',
  '<a href=" &#14;  javascript:alert(1)">click</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
  '<a href="vbscript:msgbox(1)">click</a>',
  '<a href="//evil.example/">protocol relative</a>',
  '<img src="data:text/html,<script>alert(1)</script>">',
  '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  '<p style="background:url(javascript:alert(1))">styled</p>',
  '<div style="width: expression(alert(1));">expression</div>',
  '<style>@import "https://xss.example/xss.css";</style>',
  '<link rel="stylesheet" href="https://xss.example/xss.css">',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="https://xss.example/xss.swf">',
  '<form action="javascript:alert(1)"><button>go</button></form>',
  '<form><button formaction="javascript:alert(1)">go</button></form>',
  '<input onfocus=alert(1) autofocus>',
  '<body onload=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<p onclick="alert(1)" onmouseover="alert(1)">hover</p>',
  '<table background="javascript:alert(1)"><tr><td>cell</td></tr></table>',
  '<<script>alert(1)//<</script>',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '<a href="https://example.com/" onclick="alert(1)" target="_blank">fine link</a>',
  '<!--<img src=x onerror=alert(1)>-->',
  '<![CDATA[<script>alert(1)</script>]]>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<template><script>alert(1)</script></template>',
  '<p>unclosed <strong>bold <em>and italic',
];

const ALLOWED_TAGS = new Set(RICH_TEXT_POLICY.tags);

function elements(nodes: ChildNode[]): Element[] {
  const out: Element[] = [];
  for (const n of nodes) {
    if (n.type === 'tag' || n.type === 'script' || n.type === 'style') {
      out.push(n as Element);
      out.push(...elements((n as Element).children));
    }
  }
  return out;
}

/** The problems of sanitised `html`: anything outside the policy (empty when none). */
function problemsOf(html: string): string[] {
  const doc = parseDocument(html, { decodeEntities: true, lowerCaseAttributeNames: true, lowerCaseTags: true });
  const problems: string[] = [];
  for (const el of elements(doc.children)) {
    if (!ALLOWED_TAGS.has(el.name)) problems.push(`element <${el.name}>`);
    const allowed = RICH_TEXT_POLICY.attributes[el.name] ?? [];
    for (const [name, value] of Object.entries(el.attribs)) {
      if (!allowed.includes(name)) problems.push(`attribute ${name} on <${el.name}>`);
      if (name === 'href' && !linkAllowed(value)) problems.push(`link ${value}`);
      if (name === 'src' && !imageSourceAllowed(value)) problems.push(`image ${value}`);
    }
  }
  if (/javascript:|vbscript:|data:text\/html/i.test(html.replace(/[\u0000-\u0020]/g, ''))) {
    // Text mentioning a scheme is harmless only outside attributes: the parse above checked every attribute.
    const attrs = elements(parseDocument(html).children).flatMap((e) => Object.values(e.attribs));
    if (attrs.some((v) => /javascript:|vbscript:|data:text\/html/i.test(v.replace(/[\u0000-\u0020]/g, '')))) problems.push('script URL in an attribute');
  }
  return problems;
}

describe('sanitizeRichText()', () => {
  for (const payload of PAYLOADS) {
    it(`leaves nothing executable of ${JSON.stringify(payload).slice(0, 80)}`, () => {
      const out = sanitizeRichText(payload);
      expect(problemsOf(out), out).to.deep.equal([]);
      // Sanitising is stable: what is stored passes through again unchanged.
      expect(sanitizeRichText(out)).to.equal(out);
    });
  }

  it('keeps the formatting the editor makes', () => {
    const html = '<h2>Title</h2><p><strong>bold</strong> <em>italic</em> <code>x = 1</code></p><ul><li><p>one</p></li></ul>'
      + '<ol start="3"><li><p>three</p></li></ol><blockquote><p>quoted</p></blockquote><p><a href="https://example.com/a?b=1">link</a></p>';
    expect(sanitizeRichText(html)).to.equal(html);
  });

  it('keeps relative and mailto links, drops other schemes and the target', () => {
    expect(sanitizeRichText('<a href="/tables/x">in app</a>')).to.equal('<a href="/tables/x">in app</a>');
    expect(sanitizeRichText('<a href="mailto:a@example.com">mail</a>')).to.equal('<a href="mailto:a@example.com">mail</a>');
    expect(sanitizeRichText('<a href="ftp://example.com/" target="_blank">ftp</a>')).to.equal('<a>ftp</a>');
  });

  it('keeps images from attachments and small image data URLs only', () => {
    const attachment = '/api/tables/rt_note/018f0000-0000-7000-8000-000000000001/attachments/files/018f0000-0000-7000-8000-000000000002';
    expect(sanitizeRichText(`<img src="${attachment}" alt="Meter">`)).to.equal(`<img src="${attachment}" alt="Meter" />`);
    expect(sanitizeRichText('<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot">')).to.equal('<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot" />');
    expect(sanitizeRichText('<p>a<img src="https://tracker.example/pixel.gif">b</p>')).to.equal('<p>ab</p>');
    const huge = `data:image/png;base64,${'A'.repeat(RICH_TEXT_POLICY.maxDataUrlLength)}`;
    expect(sanitizeRichText(`<img src="${huge}">`)).to.equal('');
  });
});

describe('the payload check itself', () => {
  it('finds the executable parts of the raw payloads (so an empty answer above means something)', () => {
    expect(problemsOf('<img src=x onerror=alert(1)>')).to.include('attribute onerror on <img>');
    expect(problemsOf('<a href="jav&#x09;ascript:alert(1)">x</a>')).to.include('link jav\tascript:alert(1)');
    expect(problemsOf('<svg onload=alert(1)>')).to.include('element <svg>');
    expect(problemsOf('<p style="x">s</p>')).to.include('attribute style on <p>');
  });
});

describe('plainTextOf()', () => {
  it('gives the words, blocks apart and entities decoded', () => {
    expect(plainTextOf('<h2>Reading</h2><p>a <strong>meter</strong> &amp; more</p><ul><li>one</li><li>two</li></ul>'))
      .to.equal('Reading a meter & more one two');
  });

  it('drops script and style text', () => {
    expect(plainTextOf('<p>safe</p><script>alert(1)</script><style>p{}</style>')).to.equal('safe');
  });
});
