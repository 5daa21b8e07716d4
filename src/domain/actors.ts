// Who acts. Every flow receives an Actor; the lifecycle table says which roles may make
// which move, and history rows record the actor.
export type Role =
  | 'host'
  | 'provider_staff'        // 网络接入服务提供者 (access provider)
  | 'platform_staff'        // 应用分发平台 (distribution platform)
  | 'device_maker_staff'    // 智能终端生产企业 (device maker)
  | 'bureau_reviewer'       // 省通信管理局 (provincial bureau), scoped to its province
  | 'ministry_admin'        // 工业和信息化部 (ministry administrator)
  | 'system';               // timers: SMS expiry, deadline reminders

export type OrganisationKind = 'access_provider' | 'distribution_platform' | 'device_maker' | 'bureau' | 'ministry';

export interface Actor {
  userId: string | null;
  role: Role;
  orgId: string | null;
  orgKind: OrganisationKind | null;
  /** The bureau's province (bureau reviewers only). */
  provinceCode: string | null;
  /** Set when the request came with an organisation API key rather than a person's session. */
  apiKeyId?: string | null;
  requestId: string | null;
}

export const SYSTEM_ACTOR: Actor = { userId: null, role: 'system', orgId: null, orgKind: null, provinceCode: null, requestId: null };

/** The role an organisation's staff have. */
export const STAFF_ROLE: Record<Exclude<OrganisationKind, 'bureau' | 'ministry'>, Role> = {
  access_provider: 'provider_staff',
  distribution_platform: 'platform_staff',
  device_maker: 'device_maker_staff',
};
