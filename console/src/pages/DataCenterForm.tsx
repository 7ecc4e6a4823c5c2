// Creating (ADMIN) and editing (ADMIN, or the data centre itself without the status) a data centre;
// the API's validation messages appear at their fields (an endpoint's error at the endpoints).
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { errorText, formErrors, type FormErrors } from '../api/errors';
import { canManageTenants, canOperateDataCenter } from '../auth/permissions';
import { useSession } from '../auth/session';
import { ErrorSummary, Fieldset, SelectField, TextAreaField, TextField } from '../components/Field';
import { Loading, Page } from '../components/Page';
import { useDraft } from '../components/use-draft';
import { DATA_CENTER_STATUS } from '../text';
import { CREATE_DATA_CENTER, DATA_CENTER, UPDATE_DATA_CENTER, type DataCenterDetail } from './tenant-queries';

interface Draft {
  code: string;
  name: string;
  endpoints: string;
  status: string;
  contactName: string;
  email: string;
  phone: string;
  fax: string;
  website: string;
}

const EMPTY: Draft = { code: '', name: '', endpoints: '', status: 'ACTIVE', contactName: '', email: '', phone: '', fax: '', website: '' };

const FIELDS = ['input.code', 'input.name', 'input.endpoints', 'input.status', 'input.contact.name', 'input.contact.email', 'input.contact.phone', 'input.contact.fax', 'input.contact.website'] as const;

const opt = (s: string) => (s.trim() ? s.trim() : null);

/** One URL a line; blank lines are dropped. */
export const lines = (s: string) => s.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

function fromDataCenter(dc: DataCenterDetail): Draft {
  const c = dc.contact;
  return { code: dc.code, name: dc.name, endpoints: dc.endpoints.join('\n'), status: dc.status, contactName: c.name ?? '', email: c.email ?? '', phone: c.phone ?? '', fax: c.fax ?? '', website: c.website ?? '' };
}

function toFields(d: Draft) {
  return {
    name: d.name.trim(),
    endpoints: lines(d.endpoints),
    contact: { name: opt(d.contactName), email: opt(d.email), phone: opt(d.phone), fax: opt(d.fax), website: opt(d.website) },
  };
}

interface FormProps {
  initial: Draft;
  creating: boolean;
  /** only ADMIN changes the status */
  withStatus: boolean;
  busy: boolean;
  errors: FormErrors;
  onSubmit: (d: Draft) => void;
  cancelTo: string;
}

function DataCenterFormView({ initial, creating, withStatus, busy, errors, onSubmit, cancelTo }: FormProps) {
  const { d, set, submit } = useDraft(initial, onSubmit);
  const err = errors.fields;
  return (
    <form onSubmit={submit} className="card" noValidate aria-label={creating ? 'Neues Rechenzentrum' : 'Rechenzentrum bearbeiten'}>
      <ErrorSummary errors={errors.general} />
      <div className="field-grid">
        {creating && <TextField label="Code" required value={d.code} onChange={(e) => set({ code: e.target.value })} maxLength={64} hint="Kleinbuchstaben, Ziffern und -, z. B. krz-lemgo" autoComplete="off" error={err['input.code']} />}
        <TextField label="Name" required value={d.name} onChange={(e) => set({ name: e.target.value })} maxLength={200} error={err['input.name']} />
        {withStatus && (
          <SelectField label="Status" value={d.status} onChange={(e) => set({ status: e.target.value })} error={err['input.status']}>
            {Object.entries(DATA_CENTER_STATUS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
          </SelectField>
        )}
      </div>
      <TextAreaField label="Endpunkte" rows={3} value={d.endpoints} onChange={(e) => set({ endpoints: e.target.value })} maxLength={10 * 2049} hint="Eine URL je Zeile, bevorzugter zuerst (https)" error={err['input.endpoints']} />
      <Fieldset legend="Kontakt">
        <TextField label="Ansprechpartner" value={d.contactName} onChange={(e) => set({ contactName: e.target.value })} maxLength={200} error={err['input.contact.name']} />
        <TextField label="E-Mail" type="email" value={d.email} onChange={(e) => set({ email: e.target.value })} maxLength={254} error={err['input.contact.email']} />
        <TextField label="Telefon" type="tel" value={d.phone} onChange={(e) => set({ phone: e.target.value })} maxLength={64} error={err['input.contact.phone']} />
        <TextField label="Fax" type="tel" value={d.fax} onChange={(e) => set({ fax: e.target.value })} maxLength={64} error={err['input.contact.fax']} />
        <TextField label="Website" type="url" value={d.website} onChange={(e) => set({ website: e.target.value })} maxLength={2048} error={err['input.contact.website']} />
      </Fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>{creating ? 'Rechenzentrum anlegen' : 'Änderungen speichern'}</button>
        <Link className="button" to={cancelTo}>Abbrechen</Link>
      </div>
    </form>
  );
}

export function DataCenterNewPage() {
  const { principal } = useSession();
  const navigate = useNavigate();
  const [state, create] = useMutation(CREATE_DATA_CENTER);
  if (!canManageTenants(principal)) return <Page title="Kein Zugriff"><p>Rechenzentren legt die Administration an.</p></Page>;
  const submit = async (d: Draft) => {
    const r = await create({ input: { ...toFields(d), code: d.code.trim() } });
    if (!r.error && r.data) navigate(`/data-centers/${encodeURIComponent(r.data.createDataCenter.code)}`);
  };
  return (
    <Page title="Neues Rechenzentrum">
      <DataCenterFormView initial={EMPTY} creating withStatus={false} busy={state.fetching} errors={formErrors(state.error, FIELDS)} onSubmit={submit} cancelTo="/data-centers" />
    </Page>
  );
}

export function DataCenterEditPage() {
  const { code = '' } = useParams();
  const { principal } = useSession();
  const navigate = useNavigate();
  const [result] = useQuery<{ dataCenter: DataCenterDetail | null }>({ query: DATA_CENTER, variables: { code }, requestPolicy: 'network-only' });
  const [state, update] = useMutation(UPDATE_DATA_CENTER);
  const dc = result.data?.dataCenter;
  if (result.error) return <Page title="Rechenzentrum bearbeiten"><p role="alert" className="alert alert-error">{errorText(result.error)}</p></Page>;
  if (!result.data) return <Page title="Rechenzentrum bearbeiten"><Loading /></Page>;
  if (!dc) return <Page title="Rechenzentrum nicht gefunden"><p>Es gibt kein Rechenzentrum <code>{code}</code>, das Sie sehen dürfen.</p></Page>;
  if (!canOperateDataCenter(principal, dc.code)) return <Page title="Kein Zugriff"><p>Dieses Rechenzentrum können Sie nicht bearbeiten.</p></Page>;
  const withStatus = canManageTenants(principal);
  const to = `/data-centers/${encodeURIComponent(dc.code)}`;
  const submit = async (d: Draft) => {
    const r = await update({ code: dc.code, expectedVersion: dc.version, input: { ...toFields(d), ...(withStatus ? { status: d.status } : {}) } });
    if (!r.error) navigate(to);
  };
  return (
    <Page title={`${dc.name} bearbeiten`}>
      <DataCenterFormView key={dc.version} initial={fromDataCenter(dc)} creating={false} withStatus={withStatus} busy={state.fetching} errors={formErrors(state.error, FIELDS)} onSubmit={submit} cancelTo={to} />
    </Page>
  );
}
