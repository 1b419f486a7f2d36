// DSFR, the State design system: core and the components this dashboard uses, not the whole kit.
import '@gouvfr/dsfr/dist/core/core.main.min.css';
import '@gouvfr/dsfr/dist/component/link/link.main.min.css';
import '@gouvfr/dsfr/dist/component/notice/notice.main.min.css';
import '@gouvfr/dsfr/dist/component/button/button.main.min.css';
import '@gouvfr/dsfr/dist/component/logo/logo.main.min.css';
import '@gouvfr/dsfr/dist/component/skiplink/skiplink.main.min.css';
import '@gouvfr/dsfr/dist/component/modal/modal.main.min.css';
import '@gouvfr/dsfr/dist/component/navigation/navigation.main.min.css';
import '@gouvfr/dsfr/dist/component/header/header.main.min.css';
import '@gouvfr/dsfr/dist/component/footer/footer.main.min.css';
import '@gouvfr/dsfr/dist/component/table/table.main.min.css';
import '@gouvfr/dsfr/dist/component/badge/badge.main.min.css';
import '@gouvfr/dsfr/dist/component/callout/callout.main.min.css';
import '@gouvfr/dsfr/dist/component/alert/alert.main.min.css';
import '@gouvfr/dsfr/dist/component/breadcrumb/breadcrumb.main.min.css';
import '@gouvfr/dsfr/dist/component/form/form.main.min.css';
import '@gouvfr/dsfr/dist/component/input/input.main.min.css';
import '@gouvfr/dsfr/dist/component/select/select.main.min.css';
import '@gouvfr/dsfr/dist/component/search/search.main.min.css';
import '@gouvfr/dsfr/dist/component/segmented/segmented.main.min.css';
import '@gouvfr/dsfr/dist/component/pagination/pagination.main.min.css';
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';

mount(App, { target: document.getElementById('app')! });

// DSFR's script only drives the phone menu (a modal): it starts after the first render, in a chunk
// of its own, rather than delaying the page.
void import('./dsfr.ts');
