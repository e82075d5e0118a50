/**
 * The case page's 文书 menu: the documents this case has (core/case-documents.ts decides, as the
 * server does for its 404), each a Word download in one click (a plain link: the browser saves the
 * file under the name the server gives).
 */
import { Button, Dropdown } from 'antd';
import { DownOutlined, FileWordOutlined } from '@ant-design/icons';
import { API_BASE, toQuery } from '../api/client';
import type { CaseDetail } from '../api/types';
import { applicableCaseDocuments, type CaseDocumentEntry } from '../../../core/case-documents';

/** Where a document of the case downloads: /api/v1/cases/{id}/documents/{kind}.docx[?no=…]. */
export function caseDocumentUrl(caseId: number, d: Pick<CaseDocumentEntry, 'kind' | 'no'>): string {
  return `${API_BASE}/cases/${caseId}/documents/${d.kind}.docx${d.no ? toQuery({ no: d.no }) : ''}`;
}

export function CaseDocuments({ c }: { c: Pick<CaseDetail, 'id' | 'status' | 'rejection' | 'supervisionRecords' | 'meetings'> }) {
  const docs = applicableCaseDocuments(c);
  if (docs.length === 0) return null;
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: docs.map((d) => ({
          key: `${d.kind}:${d.no ?? ''}`,
          label: (
            <a href={caseDocumentUrl(c.id, d)} download data-testid={`case-document-${d.kind}`}>
              {d.label}
            </a>
          ),
        })),
      }}
    >
      <Button icon={<FileWordOutlined />} data-testid="case-documents">
        文书 <DownOutlined />
      </Button>
    </Dropdown>
  );
}
