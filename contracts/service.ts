import { Type, type Static } from 'typebox';
import { DateTime, Nullable, Obj } from './common.ts';

// The service's own answers: health, and who publishes the site.

export const DemoHistory = Obj(
  {
    state: Type.Union([Type.Literal('building'), Type.Literal('done'), Type.Literal('failed')]),
    published: Type.Integer({ description: 'Demo editions published so far.' }),
    total: Type.Integer({ description: 'Demo editions the history holds when complete.' }),
    current: Nullable(Obj({ quarter: Type.String(), step: Type.String(), done: Type.Optional(Type.Integer()), of: Type.Optional(Type.Integer()) })),
    browser: Type.Boolean({ description: 'Chromium is installed: without it, the browser checks are not measurable (no_browser).' }),
  },
  { description: 'Demo mode only: the background build of the demo history.' },
);
export type DemoHistory = Static<typeof DemoHistory>;

export const Health = Obj({
  status: Type.Literal('ok'),
  version: Type.String(),
  methodologyVersion: Type.Integer(),
  procedures: Type.Integer({ description: 'Procedures in the catalogue (retired ones excluded).' }),
  demo: Type.Boolean(),
  demoHistory: Type.Optional(DemoHistory),
  time: DateTime(),
});
export type Health = Static<typeof Health>;

export const SiteInfo = Obj({ publisher: Type.String(), contactEmail: Type.String(), publicUrl: Type.String() });
export type SiteInfo = Static<typeof SiteInfo>;
