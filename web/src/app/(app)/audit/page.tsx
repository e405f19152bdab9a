import { AuditView } from "./AuditView";

export const metadata = { title: "Audit trail" };

export default function AuditPage() {
  return <AuditView />;
}
