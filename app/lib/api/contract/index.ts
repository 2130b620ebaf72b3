import type { EndpointSpec } from "../endpoint";
import * as assignments from "./assignments";
import * as digitalProducts from "./digital-products";
import * as downloads from "./downloads";
import * as files from "./files";
import * as ingest from "./ingest";
import * as licenseKeys from "./license-keys";
import * as mappings from "./mappings";
import * as orders from "./orders";
import * as uploads from "./uploads";

export * from "./assignments";
export * from "./digital-products";
export * from "./downloads";
export * from "./files";
export * from "./ingest";
export * from "./license-keys";
export * from "./mappings";
export * from "./orders";
export * from "./uploads";

/** Every operation of `/public-api/v1`, in reference order (the OpenAPI document's order). */
export const ENDPOINTS: EndpointSpec[] = [
  digitalProducts.listDigitalProductsEndpoint,
  digitalProducts.getDigitalProductEndpoint,
  digitalProducts.updateDigitalProductLimitsEndpoint,
  orders.listOrdersEndpoint,
  orders.getOrderEndpoint,
  orders.setOrderAccessEndpoint,
  orders.resetOrderDownloadsEndpoint,
  orders.resendOrderEmailEndpoint,
  orders.setOrderLineFilesEndpoint,
  orders.grantOrderDownloadsEndpoint,
  orders.extendOrderExpiryEndpoint,
  assignments.createOrderAssignmentEndpoint,
  licenseKeys.listLicenseKeysEndpoint,
  licenseKeys.validateLicenseKeyEndpoint,
  licenseKeys.createLicenseKeysEndpoint,
  licenseKeys.assignLicenseKeyEndpoint,
  licenseKeys.unassignLicenseKeyEndpoint,
  licenseKeys.deleteLicenseKeyEndpoint,
  files.listFilesEndpoint,
  files.uploadFileEndpoint,
  files.deleteFileEndpoint,
  ingest.createAssetEndpoint,
  ingest.getJobEndpoint,
  ingest.cancelJobEndpoint,
  ingest.getIngestAllowedHostsEndpoint,
  ingest.setIngestAllowedHostsEndpoint,
  uploads.createUploadEndpoint,
  uploads.getUploadEndpoint,
  uploads.uploadPartEndpoint,
  uploads.completeUploadEndpoint,
  uploads.abortUploadEndpoint,
  downloads.createDownloadLinkEndpoint,
  downloads.downloadStatsEndpoint,
  downloads.customerDownloadsEndpoint,
  mappings.listMappingsEndpoint,
  mappings.createMappingEndpoint,
  mappings.getMappingEndpoint,
  mappings.updateMappingEndpoint,
  mappings.deleteMappingEndpoint,
];
