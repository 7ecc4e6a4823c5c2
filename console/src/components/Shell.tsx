// The frame around every page once signed in: skip link, header with the user and sign-out,
// navigation by role, and the page routes.
import { NavLink, Route, Routes } from 'react-router';
import { ROLE_NAMES, useSession, useSessionContext } from '../auth/session';
import type { Role } from '../auth/settings';
import { AuthoritiesPage } from '../pages/Authorities';
import { AuthorityEditPage, AuthorityNewPage } from '../pages/AuthorityForm';
import { AuthorityPage } from '../pages/AuthorityDetail';
import { AuditLogPage } from '../pages/AuditLog';
import { DataCenterPage } from '../pages/DataCenterDetail';
import { DataCenterEditPage, DataCenterNewPage } from '../pages/DataCenterForm';
import { DataCentersPage } from '../pages/DataCenters';
import { DeliveriesPage } from '../pages/Deliveries';
import { HomePage } from '../pages/Home';
import { LookupPage } from '../pages/Lookup';
import { NotFoundPage } from '../pages/NotFound';
import { RegionPage } from '../pages/RegionDetail';
import { RegionsPage } from '../pages/Regions';
import { TenantPage } from '../pages/TenantDetail';
import { TenantEditPage, TenantNewPage } from '../pages/TenantForm';
import { StructuralChangesPage } from '../pages/StructuralChanges';
import { StructuralChangePage } from '../pages/StructuralChangeDetail';
import { CoveragePage } from '../pages/Coverage';
import { BulkImportPage } from '../pages/BulkImport';

interface NavItem {
  to: string;
  label: string;
  roles: Role[];
}

const ALL: Role[] = ['ADMIN', 'TENANT_MANAGER', 'DATA_CENTER'];

/** The console's sections and who sees them. */
export const NAV: NavItem[] = [
  { to: '/', label: 'Übersicht', roles: ALL },
  { to: '/lookup', label: 'Zuständigkeit ermitteln', roles: ALL },
  { to: '/authorities', label: 'Behörden', roles: ALL },
  { to: '/regions', label: 'Gebiete', roles: ALL },
  { to: '/data-centers', label: 'Rechenzentren und Mandanten', roles: ALL },
  { to: '/deliveries', label: 'Zustellungen', roles: ['ADMIN'] },
  { to: '/audit', label: 'Protokoll', roles: ['ADMIN'] },
  { to: '/structural-changes', label: 'Gebietsänderungen', roles: ALL },
  { to: '/coverage', label: 'Abdeckung', roles: ['ADMIN', 'TENANT_MANAGER'] },
  { to: '/import', label: 'Sammelimport', roles: ['ADMIN', 'TENANT_MANAGER'] },
];

export function Shell() {
  const { principal, via } = useSession();
  const { signOut } = useSessionContext();
  const items = NAV.filter((i) => i.roles.includes(principal.role));
  return (
    <div className="shell">
      <a className="skip-link" href="#main">Zum Inhalt springen</a>
      <header className="topbar">
        <span className="brand">Behördenverzeichnis</span>
        <span className="user" data-testid="user">
          {ROLE_NAMES[principal.role]}
          {principal.scope && <> · {principal.scope}</>}
          {via === 'dev' && <span className="badge">Entwicklung</span>}
        </span>
        <button type="button" onClick={() => signOut()}>Abmelden</button>
      </header>
      <nav aria-label="Hauptnavigation" className="sidenav">
        <ul>
          {items.map((i) => (
            <li key={i.to}>
              <NavLink to={i.to} end={i.to === '/'}>{i.label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content">
        <Routes>
          <Route index element={<HomePage />} />
          <Route path="lookup" element={<LookupPage />} />
          <Route path="authorities" element={<AuthoritiesPage />} />
          <Route path="authorities/new" element={<AuthorityNewPage />} />
          <Route path="authorities/:key" element={<AuthorityPage />} />
          <Route path="authorities/:key/edit" element={<AuthorityEditPage />} />
          <Route path="regions" element={<RegionsPage />} />
          <Route path="regions/:ars" element={<RegionPage />} />
          <Route path="data-centers" element={<DataCentersPage />} />
          <Route path="data-centers/new" element={<DataCenterNewPage />} />
          <Route path="data-centers/:code" element={<DataCenterPage />} />
          <Route path="data-centers/:code/edit" element={<DataCenterEditPage />} />
          <Route path="tenants/new" element={<TenantNewPage />} />
          <Route path="tenants/:code" element={<TenantPage />} />
          <Route path="tenants/:code/edit" element={<TenantEditPage />} />
          <Route path="deliveries" element={<DeliveriesPage />} />
          <Route path="audit" element={<AuditLogPage />} />
          <Route path="structural-changes" element={<StructuralChangesPage />} />
          <Route path="structural-changes/:id" element={<StructuralChangePage />} />
          <Route path="coverage" element={<CoveragePage />} />
          <Route path="import" element={<BulkImportPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </main>
    </div>
  );
}
