// Creating and editing a tenant with its territory (ADMIN only); an area the register does not know is
// named by the API at the territory field.
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { errorText, formErrors, type FormErrors } from '../api/errors';
import { canManageTenants } from '../auth/permissions';
import { useSession } from '../auth/session';
import { ErrorSummary, SelectField, TextField } from '../components/Field';
import { Loading, Page } from '../components/Page';
import { useDraft } from '../components/use-draft';
import { CREATE_TENANT, DATA_CENTERS, TENANT, UPDATE_TENANT, type DataCenterSummary, type TenantDetail } from './tenant-queries';

interface Draft {
  code: string;
  name: string;
  dataCenterCode: string;
  areas: string;
}

const FIELDS = ['input.code', 'input.name', 'input.dataCenterCode', 'input.areas'] as const;

/** "05766, 05754 03241001" → ["05766", "05754", "03241001"] */
export const areaList = (s: string) => s.split(/[\s,;]+/).filter(Boolean);

interface FormProps {
  initial: Draft;
  creating: boolean;
  dataCenters: DataCenterSummary[];
  busy: boolean;
  errors: FormErrors;
  onSubmit: (d: Draft) => void;
  cancelTo: string;
}

function TenantFormView({ initial, creating, dataCenters, busy, errors, onSubmit, cancelTo }: FormProps) {
  const { d, set, submit } = useDraft(initial, onSubmit);
  const err = errors.fields;
  return (
    <form onSubmit={submit} className="card" noValidate aria-label={creating ? 'Neuer Mandant' : 'Mandant bearbeiten'}>
      <ErrorSummary errors={errors.general} />
      <div className="field-grid">
        {creating && <TextField label="Code" required value={d.code} onChange={(e) => set({ code: e.target.value })} maxLength={64} hint="Kleinbuchstaben, Ziffern und -, z. B. lippe" autoComplete="off" error={err['input.code']} />}
        <TextField label="Name" required value={d.name} onChange={(e) => set({ name: e.target.value })} maxLength={200} error={err['input.name']} />
        <SelectField label="Rechenzentrum" required value={d.dataCenterCode} onChange={(e) => set({ dataCenterCode: e.target.value })} error={err['input.dataCenterCode']}>
          {creating && <option value="">bitte wählen</option>}
          {dataCenters.map((dc) => <option key={dc.code} value={dc.code}>{dc.name} ({dc.code})</option>)}
        </SelectField>
      </div>
      <TextField
        label="Gebiet"
        value={d.areas}
        onChange={(e) => set({ areas: e.target.value })}
        maxLength={500 * 13}
        hint="ARS-Präfixe (2 Ziffern Land, 3 Regierungsbezirk, 5 Kreis, 9 Gemeindeverband, 12 Gemeinde) oder AGS (8 Ziffern), durch Komma oder Leerzeichen getrennt, z. B. 05766"
        autoComplete="off"
        error={err['input.areas']}
      />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>{creating ? 'Mandant anlegen' : 'Änderungen speichern'}</button>
        <Link className="button" to={cancelTo}>Abbrechen</Link>
      </div>
    </form>
  );
}

function useDataCenters() {
  const [r] = useQuery<{ dataCenters: DataCenterSummary[] }>({ query: DATA_CENTERS });
  return r;
}

export function TenantNewPage() {
  const { principal } = useSession();
  const navigate = useNavigate();
  const dcs = useDataCenters();
  const [state, create] = useMutation(CREATE_TENANT);
  if (!canManageTenants(principal)) return <Page title="Kein Zugriff"><p>Mandanten legt die Administration an.</p></Page>;
  if (dcs.error) return <Page title="Neuer Mandant"><p role="alert" className="alert alert-error">{errorText(dcs.error)}</p></Page>;
  if (!dcs.data) return <Page title="Neuer Mandant"><Loading /></Page>;
  const submit = async (d: Draft) => {
    const r = await create({ input: { code: d.code.trim(), name: d.name.trim(), dataCenterCode: d.dataCenterCode, areas: areaList(d.areas) } });
    if (!r.error && r.data) navigate(`/tenants/${encodeURIComponent(r.data.createTenant.code)}`);
  };
  const initial = { code: '', name: '', dataCenterCode: '', areas: '' };
  return (
    <Page title="Neuer Mandant">
      <TenantFormView initial={initial} creating dataCenters={dcs.data.dataCenters} busy={state.fetching} errors={formErrors(state.error, FIELDS)} onSubmit={submit} cancelTo="/data-centers" />
    </Page>
  );
}

export function TenantEditPage() {
  const { code = '' } = useParams();
  const { principal } = useSession();
  const navigate = useNavigate();
  const dcs = useDataCenters();
  const [result] = useQuery<{ tenant: TenantDetail | null }>({ query: TENANT, variables: { code }, requestPolicy: 'network-only' });
  const [state, update] = useMutation(UPDATE_TENANT);
  const t = result.data?.tenant;
  const error = result.error ?? dcs.error;
  if (!canManageTenants(principal)) return <Page title="Kein Zugriff"><p>Mandanten ändert die Administration.</p></Page>;
  if (error) return <Page title="Mandant bearbeiten"><p role="alert" className="alert alert-error">{errorText(error)}</p></Page>;
  if (!result.data || !dcs.data) return <Page title="Mandant bearbeiten"><Loading /></Page>;
  if (!t) return <Page title="Mandant nicht gefunden"><p>Es gibt keinen Mandanten <code>{code}</code>.</p></Page>;
  const to = `/tenants/${encodeURIComponent(t.code)}`;
  const submit = async (d: Draft) => {
    const r = await update({ code: t.code, expectedVersion: t.version, input: { name: d.name.trim(), dataCenterCode: d.dataCenterCode, areas: areaList(d.areas) } });
    if (!r.error) navigate(to);
  };
  const initial = { code: t.code, name: t.name, dataCenterCode: t.dataCenter.code, areas: t.areas.join(', ') };
  return (
    <Page title={`${t.name} bearbeiten`}>
      <TenantFormView key={t.version} initial={initial} creating={false} dataCenters={dcs.data.dataCenters} busy={state.fetching} errors={formErrors(state.error, FIELDS)} onSubmit={submit} cancelTo={to} />
    </Page>
  );
}
