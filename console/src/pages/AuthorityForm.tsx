// Creating and editing an authority; the API's validation messages appear at their fields.
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { errorText, formErrors } from '../api/errors';
import { canEditAuthority } from '../auth/permissions';
import { useSession } from '../auth/session';
import { ErrorSummary, Fieldset, SelectField, TextField } from '../components/Field';
import { Loading, Page } from '../components/Page';
import { useDraft } from '../components/use-draft';
import { AUTHORITY_KINDS, MESSAGE_TYPES } from '../text';
import { AUTHORITY, CREATE_AUTHORITY, UPDATE_AUTHORITY, type AuthorityDetail } from './authority-queries';

interface Draft {
  key: string;
  kind: string;
  name: string;
  street: string;
  houseNumber: string;
  poBox: string;
  postalCode: string;
  city: string;
  contactName: string;
  email: string;
  phone: string;
  fax: string;
  website: string;
  acceptedMessageTypes: string[];
  standardVersion: string;
  tenantCode: string;
}

const EMPTY: Draft = {
  key: '', kind: 'ENFORCEMENT', name: '', street: '', houseNumber: '', poBox: '', postalCode: '', city: '',
  contactName: '', email: '', phone: '', fax: '', website: '', acceptedMessageTypes: [], standardVersion: '', tenantCode: '',
};

const FIELDS = [
  'input.key', 'input.kind', 'input.name', 'input.postalAddress', 'input.postalAddress.street', 'input.postalAddress.houseNumber',
  'input.postalAddress.poBox', 'input.postalAddress.postalCode', 'input.postalAddress.city', 'input.contact.name', 'input.contact.email',
  'input.contact.phone', 'input.contact.fax', 'input.contact.website', 'input.acceptedMessageTypes', 'input.standardVersion', 'input.tenantCode',
] as const;

const opt = (s: string) => (s.trim() ? s.trim() : null);

function fromAuthority(a: AuthorityDetail): Draft {
  const p = a.postalAddress;
  const c = a.contact;
  return {
    key: a.key, kind: a.kind, name: a.name, street: p.street ?? '', houseNumber: p.houseNumber ?? '', poBox: p.poBox ?? '', postalCode: p.postalCode, city: p.city,
    contactName: c.name ?? '', email: c.email ?? '', phone: c.phone ?? '', fax: c.fax ?? '', website: c.website ?? '',
    acceptedMessageTypes: a.acceptedMessageTypes, standardVersion: a.standardVersion ?? '', tenantCode: a.tenantCode ?? '',
  };
}

/** The fields both inputs share; the key only on creation. */
function toFields(d: Draft) {
  return {
    kind: d.kind,
    name: d.name.trim(),
    postalAddress: { street: opt(d.street), houseNumber: opt(d.houseNumber), poBox: opt(d.poBox), postalCode: d.postalCode.trim(), city: d.city.trim() },
    contact: { name: opt(d.contactName), email: opt(d.email), phone: opt(d.phone), fax: opt(d.fax), website: opt(d.website) },
    acceptedMessageTypes: d.acceptedMessageTypes,
    standardVersion: opt(d.standardVersion),
    tenantCode: opt(d.tenantCode),
  };
}

function MessageTypes({ value, onChange, error }: { value: string[]; onChange: (v: string[]) => void; error?: string }) {
  const toggle = (t: string) => onChange(value.includes(t) ? value.filter((x) => x !== t) : [...value, t].sort());
  return (
    <Fieldset legend="Elektronisch angenommene Nachrichtentypen (XAmtshilfe)" error={error}>
      {MESSAGE_TYPES.map((t) => (
        <label key={t} className="check">
          <input type="checkbox" checked={value.includes(t)} onChange={() => toggle(t)} /> {t}
        </label>
      ))}
    </Fieldset>
  );
}

function AddressFields({ d, set, err }: { d: Draft; set: (p: Partial<Draft>) => void; err: Record<string, string> }) {
  return (
    <Fieldset legend="Postanschrift (für den Druckversand)" error={err['input.postalAddress']}>
      <TextField label="Straße" value={d.street} onChange={(e) => set({ street: e.target.value })} maxLength={200} autoComplete="off" error={err['input.postalAddress.street']} />
      <TextField label="Hausnummer" value={d.houseNumber} onChange={(e) => set({ houseNumber: e.target.value })} maxLength={32} autoComplete="off" error={err['input.postalAddress.houseNumber']} />
      <TextField label="Postfach" value={d.poBox} onChange={(e) => set({ poBox: e.target.value })} maxLength={32} hint="Statt Straße und Hausnummer" error={err['input.postalAddress.poBox']} />
      <TextField label="Postleitzahl" required value={d.postalCode} onChange={(e) => set({ postalCode: e.target.value })} maxLength={32} inputMode="numeric" error={err['input.postalAddress.postalCode']} />
      <TextField label="Ort" required value={d.city} onChange={(e) => set({ city: e.target.value })} maxLength={200} error={err['input.postalAddress.city']} />
    </Fieldset>
  );
}

function ContactFields({ d, set, err }: { d: Draft; set: (p: Partial<Draft>) => void; err: Record<string, string> }) {
  return (
    <Fieldset legend="Kontakt">
      <TextField label="Ansprechpartner" value={d.contactName} onChange={(e) => set({ contactName: e.target.value })} maxLength={200} error={err['input.contact.name']} />
      <TextField label="E-Mail" type="email" value={d.email} onChange={(e) => set({ email: e.target.value })} maxLength={254} error={err['input.contact.email']} />
      <TextField label="Telefon" type="tel" value={d.phone} onChange={(e) => set({ phone: e.target.value })} maxLength={64} error={err['input.contact.phone']} />
      <TextField label="Fax" type="tel" value={d.fax} onChange={(e) => set({ fax: e.target.value })} maxLength={64} error={err['input.contact.fax']} />
      <TextField label="Website" type="url" value={d.website} onChange={(e) => set({ website: e.target.value })} maxLength={2048} error={err['input.contact.website']} />
    </Fieldset>
  );
}

interface FormProps {
  initial: Draft;
  creating: boolean;
  /** a tenant manager's own tenant: fixed */
  fixedTenant: string | null;
  busy: boolean;
  errors: ReturnType<typeof formErrors>;
  onSubmit: (d: Draft) => void;
  cancelTo: string;
}

function AuthorityFormView({ initial, creating, fixedTenant, busy, errors, onSubmit, cancelTo }: FormProps) {
  const { d, set, submit } = useDraft(initial, onSubmit);
  const err = errors.fields;
  return (
    <form onSubmit={submit} className="card" noValidate aria-label={creating ? 'Neue Behörde' : 'Behörde bearbeiten'}>
      <ErrorSummary errors={errors.general} />
      <div className="field-grid">
        {creating && <TextField label="Schlüssel" required value={d.key} onChange={(e) => set({ key: e.target.value })} maxLength={255} hint="Präfix:Kennung, z. B. ags:05766020" autoComplete="off" error={err['input.key']} />}
        <TextField label="Name" required value={d.name} onChange={(e) => set({ name: e.target.value })} maxLength={200} error={err['input.name']} />
        <SelectField label="Art" value={d.kind} onChange={(e) => set({ kind: e.target.value })} error={err['input.kind']}>
          {Object.entries(AUTHORITY_KINDS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </SelectField>
        {fixedTenant ? (
          <TextField label="Mandant (Code)" value={fixedTenant} readOnly hint="Ihr Mandant" />
        ) : (
          <TextField label="Mandant (Code)" value={d.tenantCode} onChange={(e) => set({ tenantCode: e.target.value })} maxLength={64} error={err['input.tenantCode']} />
        )}
      </div>
      <AddressFields d={d} set={set} err={err} />
      <ContactFields d={d} set={set} err={err} />
      <MessageTypes value={d.acceptedMessageTypes} onChange={(v) => set({ acceptedMessageTypes: v })} error={err['input.acceptedMessageTypes']} />
      <TextField label="XAmtshilfe-Version" value={d.standardVersion} onChange={(e) => set({ standardVersion: e.target.value })} maxLength={32} hint="z. B. 1.1.0" error={err['input.standardVersion']} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>{creating ? 'Behörde anlegen' : 'Änderungen speichern'}</button>
        <Link className="button" to={cancelTo}>Abbrechen</Link>
      </div>
    </form>
  );
}

export function AuthorityNewPage() {
  const { principal } = useSession();
  const navigate = useNavigate();
  const [state, create] = useMutation(CREATE_AUTHORITY);
  const fixedTenant = principal.role === 'TENANT_MANAGER' ? principal.scope : null;
  if (principal.role !== 'ADMIN' && principal.role !== 'TENANT_MANAGER') {
    return <Page title="Kein Zugriff"><p>Behörden legen die Administration und die Mandantenverwaltung an.</p></Page>;
  }
  const submit = async (d: Draft) => {
    const fields = toFields(d);
    const r = await create({ input: { ...fields, key: d.key.trim(), tenantCode: fixedTenant ?? fields.tenantCode } });
    if (!r.error && r.data) navigate(`/authorities/${encodeURIComponent(r.data.createAuthority.key)}`);
  };
  return (
    <Page title="Neue Behörde">
      <AuthorityFormView initial={EMPTY} creating fixedTenant={fixedTenant} busy={state.fetching} errors={formErrors(state.error, FIELDS)} onSubmit={submit} cancelTo="/authorities" />
    </Page>
  );
}

export function AuthorityEditPage() {
  const { key = '' } = useParams();
  const { principal } = useSession();
  const navigate = useNavigate();
  const [result] = useQuery<{ authority: AuthorityDetail | null }>({ query: AUTHORITY, variables: { key }, requestPolicy: 'network-only' });
  const [state, update] = useMutation(UPDATE_AUTHORITY);
  const a = result.data?.authority;
  if (result.error) return <Page title="Behörde bearbeiten"><p role="alert" className="alert alert-error">{errorText(result.error)}</p></Page>;
  if (!result.data) return <Page title="Behörde bearbeiten"><Loading /></Page>;
  if (!a) return <Page title="Behörde nicht gefunden"><p>Es gibt keine Behörde mit dem Schlüssel <code>{key}</code>.</p></Page>;
  if (!canEditAuthority(principal, a.tenantCode)) return <Page title="Kein Zugriff"><p>Diese Behörde können Sie nicht bearbeiten.</p></Page>;
  const fixedTenant = principal.role === 'TENANT_MANAGER' ? principal.scope : null;
  const submit = async (d: Draft) => {
    const fields = toFields(d);
    const r = await update({ key: a.key, expectedVersion: a.version, input: { ...fields, tenantCode: fixedTenant ?? fields.tenantCode } });
    if (!r.error) navigate(`/authorities/${encodeURIComponent(a.key)}`);
  };
  const to = `/authorities/${encodeURIComponent(a.key)}`;
  return (
    <Page title={`${a.name} bearbeiten`}>
      <AuthorityFormView key={a.version} initial={fromAuthority(a)} creating={false} fixedTenant={fixedTenant} busy={state.fetching} errors={formErrors(state.error, FIELDS)} onSubmit={submit} cancelTo={to} />
    </Page>
  );
}
