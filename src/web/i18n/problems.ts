// Chinese wording of the rules' problem codes (the rules and the server speak English with
// stable codes; the browser shows the code's Chinese text, or the English message as given).
export const PROBLEM_ZH: Record<string, string> = {
  required: '此项必填',
  invalid_option: '请从列表中选择',
  too_long: '内容过长',
  invalid_request: '请求格式不正确',
  malformed: '上传内容不完整或格式不正确，请重新选择文件上传', upload_malformed: '上传内容不完整或格式不正确，请重新选择文件上传',
  uuid_format: '请从列表中选择接入服务单位',
  address_charset: '地址含有控制字符', address_empty: '请填写详细地址', address_province_mismatch: '地址不在所选省份内',
  address_too_long: '地址最多 200 字', address_too_short: '地址至少 5 个字，请写到门牌号', address_not_detailed: '请写到门牌号（…号 / …室）',
  android_package_empty: '请填写包名（applicationId），如 com.example.app', android_package_segment: '包名每段须以字母开头，仅含字母、数字或下划线',
  android_package_segments: 'Android 包名至少两段，如 com.example', android_package_too_long: 'Android 包名过长',
  android_package_java_keyword: '包名中含有 Java 关键字',
  certificate_number_format: '证件号码格式不正确', certificate_expired: '证件已过期', certificate_expires_soon: '证件即将到期，可能在审核结束前失效',
  certificate_not_yet_valid: '证件尚未生效', certificate_type_not_allowed: '该主体性质不能使用此证件类型', certificate_validity_order: '有效期截止日早于起始日',
  date_format: '日期格式应为 YYYY-MM-DD', date_invalid: '不是有效日期',
  different_people_share_email: '不同的人不能使用同一邮箱', different_people_share_mobile: '不同的人不能使用同一手机号',
  same_person_data_differs: '同一人的信息在各处须完全一致',
  domain_charset: '域名只能包含字母、数字、连字符和点', domain_empty: '请填写域名', domain_empty_label: '域名中不能有空段（“..”或以点开头）',
  domain_has_port: '域名不带端口', domain_idn: '中文域名无法转换', domain_is_ip: 'IP 地址不是域名，请填在 IP 地址列表中',
  domain_is_url: '只填域名，不要 http://、路径或参数', domain_label_hyphen: '域名各段不能以连字符开头或结尾', domain_label_too_long: '域名单段最多 63 个字符',
  domain_single_label: '域名至少包含名称和顶级域', domain_tld_numeric: '顶级域不能全为数字', domain_too_long: '域名过长',
  domain_duplicate: '该域名重复填写', domain_without_access: '该域名没有对应的接入信息',
  email_domain: '邮箱 @ 之后的域名无效', email_format: '邮箱格式应为 名称@域名', email_local_part: '邮箱 @ 之前含有不允许的字符',
  email_local_part_too_long: '邮箱 @ 之前最多 64 个字符', email_too_long: '邮箱过长',
  emergency_phone_format: '请填写手机号或带区号的固定电话，如 010-12345678', emergency_phone_same_as_mobile: '应急联系电话不能与手机号相同',
  emergency_phone_in_use: '该应急联系电话已被其他主体使用',
  fingerprint_algorithm_mismatch: '指纹长度与所需算法不符', fingerprint_charset: '指纹由十六进制数字组成，可用冒号、空格或短横分隔',
  fingerprint_empty: '请填写证书指纹', fingerprint_length: '指纹应为 32（MD5）、40（SHA-1）或 64（SHA-256）位十六进制',
  harmony_bundle_name_charset: '鸿蒙包名仅含字母、数字、_ 和 .', harmony_bundle_name_length: '鸿蒙包名长度为 7–128',
  harmony_bundle_name_segment: '包名不能有空段', harmony_bundle_name_start: '鸿蒙包名须以字母开头',
  harmony_bundle_name_not_reverse_domain: '建议使用反向域名格式，如 com.example.demo', harmony_bundle_name_segment_start: '包名某段未以字母开头',
  home_url_domain_not_listed: '首页网址的域名不在域名列表中', home_url_format: '请填写完整网址，如 https://www.example.cn/',
  id_number_charset: '身份证号由数字组成，仅最后一位可为 X', id_number_checksum: '身份证号校验位不正确（GB 11643）', id_number_date: '身份证号中的出生日期无效',
  id_number_length: '身份证号应为 18 位', id_number_region: '身份证号地址码不正确', id_number_legacy_form: '15 位为旧版身份证号，请填写 18 位号码',
  individual_must_match_principal: '个人主体须与主体负责人为同一人、信息一致',
  ios_bundle_id_charset: 'Bundle ID 仅含字母、数字、连字符和点', ios_bundle_id_empty: '请填写 Bundle ID，如 com.example.app',
  ios_bundle_id_segment: 'Bundle ID 不能有空段', ios_bundle_id_too_long: 'Bundle ID 过长', ios_bundle_id_not_reverse_dns: '建议使用反向域名格式，如 com.example.app',
  ip_duplicate: '该 IP 地址重复填写', ip_not_public: '内网、回环或文档地址不是公网服务器地址', ip_format: 'IP 地址格式不正确',
  language_code_format: '语言代码如 zh-CN、en', language_duplicate: '该语言重复选择', languages_multiple: '请选择内容的主要语言，管局一般不建议多选',
  mobile_format: '大陆手机号为 11 位数字（可带 +86）', mobile_segment: '该号段无法接收短信核验',
  name_national_word: '名称中的“中国/国家”等字样仅限国家级单位使用', name_commercial_word_for_individual: '个人主体的服务名称不能含有经营性字样',
  name_organisation_word_for_individual: '个人主体的服务名称不能含有机构性字样', service_name_latin_only: '管局不接受纯英文名称',
  nature_subject_type_mismatch: '单位性质与主体类型不符', not_applicable_for_individual: '个人主体无需填写此项',
  not_applicable_for_new_service: '新增服务沿用已备案主体，无需填写主体', not_applicable_for_service_type: '此类服务无需填写此项',
  org_code_charset: '组织机构代码仅含数字和大写字母', org_code_checksum: '组织机构代码校验位不正确', org_code_length: '组织机构代码为 8 位加 - 和校验位',
  person_name_charset: '姓名含有不允许的字符', person_name_empty: '请按证件填写姓名', person_name_too_long: '姓名过长', person_name_too_short: '姓名过短',
  platform_duplicate: '该平台已填写', pre_approval_duplicate: '该前置审批类型重复', pre_approval_type_unknown: '未知的前置审批类型',
  principal_not_legal_representative: '主体负责人不是法定代表人时，多数管局要求提供法定代表人授权书：本系统暂不上传附件，请在接入商（或平台）初审时按其要求提交',
  public_key_charset: '公钥为十六进制数字（RSA 模数或 EC 点）', public_key_der: '这是完整的 DER 公钥结构，请填写其中的模数（或 EC 点）',
  public_key_empty: '请填写公钥（RSA 模数或 EC 公钥点，十六进制）', public_key_length: '公钥长度不合理', public_key_odd_length: '十六进制位数应为偶数',
  public_key_weak: 'RSA 密钥低于 2048 位',
  region_city_mismatch: '城市代码不属于所选省份', region_code_format: '行政区划代码为 6 位数字', region_district_mismatch: '区县代码不属于所填城市',
  region_province_unknown: '未知的省份代码', residence_permit_required: '非本省户籍的个人须提供本省居住证明（居住证、暂住证、社保或房产证明）：本系统暂不上传附件，请在接入商（或平台）初审时按其要求提交',
  service_content_duplicate: '类目重复选择', service_content_empty: '请至少选择一个服务类目', service_content_too_many: '最多选择 5 个服务类目',
  service_description_charset: '描述含有控制字符', service_description_too_long: '描述最多 200 字', service_description_too_short: '请用至少 20 字描述实际业务',
  uscc_charset: '统一社会信用代码含有不允许的字符', uscc_format: '统一社会信用代码第 3–8 位应为行政区划代码', uscc_length: '统一社会信用代码为 18 位',
  uscc_checksum: '统一社会信用代码校验位不符（试点时期代码可能如此，请核对证照）',
  uscc_is_id_number: '这是居民身份证号码，不是统一社会信用代码：单位请填写营业执照等证照上的 18 位统一社会信用代码；个人请选择“个人”主体',
  submitter_required: '请选择初审单位', submitter_invalid: '请选择可提交此类服务的接入服务提供者或应用分发平台',
  access_provider_unknown: '不是有效的接入服务提供者', package_already_filed: '该包名已有有效备案（一个包名只能有一个有效备案）',
  identity_not_verified: '负责人近 3 天内未通过身份核验，请发起身份核验', login_format: '登录名为 3–64 位，以字母开头，可含字母、数字、“.”“_”“-”',
  mobile_taken: '该手机号已注册，请直接登录', email_taken: '该邮箱已注册，请直接登录', submitter_not_allowed: '该单位不能提交此类服务',
  sms_code_incorrect: '验证码错误', invalid_credentials: '账号或密码错误', sign_in_throttled: '失败次数过多，请 15 分钟后再试',
  already_registered: '该手机号或邮箱已注册', csrf_token_invalid: '会话已过期，请刷新页面', unauthenticated: '请先登录',
  password_contains_identity: '密码不能包含手机号、邮箱或登录名', password_one_class: '密码须混合至少两类字符', password_too_long: '密码过长', password_too_short: '密码至少 10 位',
  display_name_charset: '名称含有不可见字符', display_name_empty: '请填写名称', display_name_too_long: '名称最多 64 字',
  application_status_conflict: '当前状态不允许此操作（可能已被他人处理），请刷新', version_conflict: '材料已在别处修改，请刷新后再改',
  reasons_required: '请至少填写一条包含字段和问题的意见',
  // Deploy (issue 12 part 2)
  password_unchanged: '新密码不能与当前密码相同', password_change_required: '请先设置新密码', current_password_wrong: '当前密码不正确', host_password_self_service: '主办者账号请用手机验证码自行重置密码', cannot_reset_own_password: '请用当前密码修改自己的密码', reset_code_invalid: '验证码不正确或已失效，请重新获取',
  // Changes after the number and one subject per certificate (issue 13, "subjects" feature)
  submitter_not_new_provider: '新增接入由新的接入服务商初审，请选择要新增的接入服务商',
  not_editable: '此类申请不能修改该项，请保持与已备案信息一致', no_change: '与已备案信息相同，没有需要变更的内容',
  access_providers_fixed: '变更服务不能增减接入服务商：新增请用“新增接入”，取消请由接入服务商取消接入',
  access_new_provider_required: '请添加一个尚未接入该服务的接入服务商的接入信息',
  access_provider_not_submitter: '一次新增接入只能添加初审它的接入服务商的接入信息；其他接入服务商请另行提交新增接入',
  access_provider_not_reviewed: '该新增接入包含未经其初审的接入服务商，请驳回',
  record_changed_since_draft: '已备案信息在申请提交后已变化，请驳回并请主办者按当前备案信息重新提交',
  submitter_not_subject_provider: '变更主体须由为该主体的服务提供接入的接入服务商（或分发平台）初审',
  submitter_not_service_provider: '变更须由该服务当前的接入服务商（或办理其备案的分发平台）初审',
  subject_changed_since_request: '申请注销后该主体下又有新的服务备案通过：请重新申请注销（新的申请将一并注销该服务）',
  subject_already_filed: '该证件已有备案主体：请在该主体下新增服务；若主体不属于本账号，请联系主体所在省通信管理局',
  application_already_open: '已有进行中的同类申请，请继续办理或先撤回',
  service_type_mismatch: '服务类型与已备案服务不一致',
  // Supervision (issue 14)
  rate_limited: '操作过于频繁，请稍后再试', contact_invalid: '请填写可以联系到您的手机号或邮箱', service_not_found: '没有匹配的已备案服务',
  catalogue_header_invalid: '目录第一行须为列名（platform, packageName, fingerprint …）', campaign_ended: '检查活动已结束',
  // An objection's date (requestedDueOn): later than the order's, at most 366 days ahead
  not_later: '请选择晚于当前处置期限的日期', too_far: '日期过远：最多可申请今天起 366 天内的日期',
  attachment_too_large: '附件过大', attachment_type: '附件类型不支持（PDF、PNG、JPEG）', attachments_too_many: '附件过多',
  // Catalogue check (provider, platform, device maker): lines of the file and answers per item
  catalogue_fields_missing: '缺少平台、包名或指纹', catalogue_line_not_json: '该行不是 JSON 对象', line_not_json: '该行不是 JSON 对象',
  platform_unknown: '平台应为 android、ios 或 harmonyos', line_not_object: '每行须为一个 JSON 对象', line_too_long: '该行过长',
  not_text: '应为文字', url_invalid: '应为 http(s) 网址', not_a_count: '下载量应为不小于 0 的整数',
  csv_header_missing: '第一行须为列名（platform, packageName, fingerprint …）', csv_malformed: '该行不是有效的 CSV',
  // The request schema's own checks (the field is named beside the words)
  too_small: '内容过短或数值过小', too_big: '内容过长或数值过大', invalid_type: '类型不正确，请重新填写', invalid_format: '格式不正确',
  invalid_value: '请从允许的选项中选择', invalid_union: '内容不符合要求', not_multiple_of: '数值不符合要求', unrecognized_keys: '含有无法识别的字段',
  // Working-day calendar (administration)
  year_published_day: '“年度已公布”须为全国范围、日期为该年 1 月 1 日', year_already_official: '该年度已有正式日历，请导入日历文件替换',
  calendar_override_exists: '该日期已有调整', calendar_invalid_argument: '与已有的调整冲突', calendar_out_of_range: '日期超出日历范围（2004–2099 年）',
  // Package analyzer (src/analyzer: the upload routes' 422 codes and the uploads' own; its warnings
  // are keyed package_warning_<code>, as `certificate_expired` above is an ID document's)
  file_unreadable: '无法读取上传的文件，请重新上传', not_a_zip: '不是安装包（APK / IPA / HAP 都是 ZIP 格式），也不是证书文件',
  truncated: '文件不完整（上传中断或文件已损坏），请重新上传', malformed_zip: '安装包的 ZIP 结构已损坏',
  zip_bomb: '安装包中的条目解压后异常巨大，已拒绝分析', entry_too_large: '安装包中需要读取的条目过大',
  unsupported_package: '是 ZIP 文件，但不是 APK、IPA 或 HAP 安装包', malformed_manifest: '安装包的清单文件（AndroidManifest.xml / Info.plist / module.json）无法读取',
  malformed_resources: '安装包的资源表无法读取', malformed_plist: 'iOS 属性列表（plist）无法读取', malformed_macho: 'iOS 可执行文件或其代码签名无法读取',
  malformed_signing_block: '安装包的签名块已损坏', malformed_asn1: '签名或证书数据无法解析', non_der_certificate: '签名证书的编码方式 Android 不接受（如不定长编码），无法作为签名证书',
  upload_too_large: '文件超过上传大小限制', upload_missing: '请选择要上传的文件', upload_field_too_long: '随文件提交的文字内容过长',
  upload_too_many_parts: '一次只能上传一个文件', typed_values_invalid: '您填写的值无法与安装包核对，请检查格式',
  package_debug_signed: '安装包为调试版本或使用调试证书/描述文件签名：请上传并填写正式发布（release）签名的安装包',
  package_development_profile: '安装包使用开发或 Ad Hoc 描述文件签名：请上传并填写 App Store / 正式发布签名的安装包',
  package_certificate_expired: '签名证书已过期：请使用有效的发布证书重新签名后上传',
  package_warning_unsigned: '安装包未签名：没有可供备案的签名证书',
  package_warning_debug_certificate: '使用 Android 调试证书签名；应用商店和备案须使用正式发布证书',
  package_warning_certificate_expired: '签名证书已过期',
  package_warning_development_profile: '使用开发或 Ad Hoc 描述文件签名，不能上架 App Store，请使用发布描述文件',
  package_warning_debug_profile: '使用调试（debug）签名描述文件签名；应用市场和备案须使用发布（release）描述文件',
  package_warning_debuggable: '这是调试版本（module.json 中 debug 为 true）',
  package_warning_profile_expired: '签名描述文件已过期',
  package_warning_profile_certificate_mismatch: '签名证书不是描述文件中登记的证书，设备将拒绝安装；备案须填写实际发布的安装包的签名证书',
  package_warning_bundle_name_mismatch: '安装包的包名与签名描述文件中的包名不一致',
  package_warning_signing_key_rotated: '签名密钥已轮换：新旧 Android 版本看到的签名证书不同，备案使用最新的证书',
  package_warning_app_name_unresolved: '无法从资源中读出应用名称，请手工填写',
  package_warning_certificate_not_der: '签名证书不是严格 DER 编码（旧签名工具所写）；指纹按安装包中存储的字节计算，与重新编码证书的工具给出的可能不同',
  // Every named error of the flows, the domain and the routes has its Chinese text (i18n.test.ts collects the codes)
  access_record_not_found: '没有可取消的该接入记录', account_disabled: '该账号已被管理员停用',
  action_not_allowed: '您无权进行此操作', api_key_invalid: 'API 密钥无效、已吊销，或所属机构已暂停', api_key_not_found: '本机构没有该 API 密钥',
  application_not_found: '没有找到该申请（可能不属于您）',
  application_version_conflict: '申请材料已在别处修改（例如另一个浏览器标签页），您这次的修改未保存。请刷新页面，在最新版本上重新修改',
  attachment_empty: '文件为空', blacklist_entry_lifted: '该黑名单条目已解除', blacklist_invalid: '黑名单条目填写有误',
  blacklisted: '该主体、服务或域名在违法违规名单限制期内，不能提交备案',
  calendar_file_invalid: '日历文件格式不正确', calendar_override_not_found: '没有该日历调整', calendar_span_too_long: '起止日期最多相隔三年',
  campaign_invalid: '检查活动填写有误', cannot_disable_self: '管理员不能停用自己的账号', cannot_suspend_own_organisation: '管理员不能暂停本机构',
  confirmation_exhausted: '验证码已输错 5 次，本次申请作废，请重新发起以获取新的验证码',
  confirmation_expired: '已超过 24 小时有效期，本次申请作废，请重新发起以获取新的验证码',
  confirmation_not_found: '没有找到该确认请求', confirmation_not_pending: '该确认请求已处理或已失效，请重新发起', confirmation_unknown: '无法识别的确认请求',
  due_invalid: '期限须为 1 至规定上限之间的工作日数', due_unchanged: '整改期限与原期限相同', evidence_required: '请说明已采取的整改措施',
  filing_number_format_arguments: '备案号参数不正确', finding_already_ordered: '该问题已下发整改通知', finding_not_found: '没有找到该检查结果',
  fingerprint_invalid: '证书指纹格式不正确', fingerprint_mismatch: '证书指纹与已备案的不一致', forbidden: '您无权进行此操作',
  idempotency_in_progress: '相同的请求仍在处理中，请稍候', idempotency_key_invalid: 'Idempotency-Key 格式不正确', idempotency_key_reused: '该 Idempotency-Key 已用于另一个请求',
  identity_task_closed: '该身份核验任务已结束，请重新发起身份核验', identity_task_not_found: '没有找到该身份核验任务',
  invalid_date: '日期无效', invalid_range: '开始日期不能晚于结束日期', invalid_text: '内容含有不允许的字符',
  log_key_not_found: '没有找到该透明日志签名密钥', login_taken: '该登录名已被使用', materials_invalid: '申请材料还有问题需要修改，修改后再提交',
  measure_not_for_organisation: '该处置措施不适用于此类机构', metrics_forbidden: '无权读取运行指标',
  not_a_shell: '该备案不是空壳备案', notice_already_executed: '该公告已执行', notice_not_found: '没有找到该清理公告', notification_not_found: '没有找到该通知',
  number_not_found: '没有该备案号的备案', objection_invalid: '异议填写有误', order_item_status_conflict: '该整改事项当前状态不允许此操作',
  order_settled: '该整改通知的事项均已办结，无需调整期限', order_invalid: '处置通知填写有误：请检查责令对象和处置措施',
  webhook_url_taken: '本单位已订阅该地址：如需更换密钥，请先删除原订阅', not_orderable: '只能责令正常状态的接入服务提供者、应用分发平台或智能终端生产企业', organisation_exists: '已有相同信息的机构', organisation_not_found: '没有找到该机构',
  organisation_suspended: '所属机构已被暂停', province_unknown: '该省份没有对应的通信管理局', publicity_not_over: '公示期尚未结束，结束后才能清理',
  rate_limit_store_unavailable: '服务暂时不可用，请稍后再试', reason_required: '请填写原因', reporter_cannot_answer: '公众举报人无法补充材料：请下发整改、撤销或结案',
  round_empty: '没有符合条件的未办结问题', round_invalid: '核查轮次填写有误',
  service_not_filed: '该服务已不在备案状态（已注销、撤销或清理），此变更无法批准：请驳回并说明原因',
  service_status_conflict: '该服务当前状态不允许此操作（可能已注销或撤销），请刷新页面', session_required: '请登录后操作（API 密钥不能进行此操作）',
  shell_already_listed: '该空壳备案已在公示中', shell_grace_period: '该备案成为空壳未满宽限期，暂不能列入清理公示',
  sms_challenge_not_found: '该短信核验已结束，请刷新页面',
  sms_resend_limit: '重发次数已用完（每次核验最多重发 2 次），请使用已收到的验证码，或等待申请退回后重新提交',
  sms_resend_too_soon: '发送过于频繁，请稍后再获取新的验证码',
  subject_not_filed: '该主体已不在备案状态（已注销或撤销），此变更无法批准：请驳回并说明原因',
  subject_not_found: '没有找到该备案主体（可能不属于您）', subject_status_conflict: '该主体当前状态不允许此操作（可能已注销或撤销），请刷新页面',
  tree_head_not_signed: '透明日志尚未签发树头，请稍后再试', triage_invalid: '举报处理信息填写有误', user_not_found: '没有找到该用户',
  violation_status_conflict: '该举报当前状态不允许此操作', webhook_limit_reached: '回调地址数量已达上限，请先删除一个', webhook_not_found: '本机构没有该回调地址',
  // The IP list's own checks (src/domain/validation/ip.ts)
  ipv4_format: 'IPv4 地址为用点分隔的四个十进制数，如 120.24.10.11', ipv4_leading_zero: 'IPv4 各段不要带前导零（写 10.0.0.1，不写 010.000.000.001）',
  ipv4_octet_range: 'IPv4 地址每段为 0–255 的数字', ipv6_format: 'IPv6 地址格式不正确', ipv6_zone_id: '不要填写区域标识（如 %eth0），只填地址本身',
  ipv6_double_colon: '“::”在 IPv6 地址中只能出现一次', ipv6_group: 'IPv6 地址每段为 1–4 位十六进制数', ipv6_group_count: 'IPv6 地址为 8 段（“::”代表至少一段 0）',
  ipv6_embedded_ipv4: '内嵌的 IPv4 地址须有效且位于末尾',
  // Reasons the system writes when it returns an application (src/flows/sms-check.ts)
  sms_attempts_exhausted: '短信验证码输错 5 次，申请已退回', sms_check_expired: '24 小时内未完成短信核验，申请已退回',
  // The public query's number checks (src/domain/filing-number.ts)
  filing_number_year: '备案号中的年份不合理（应为 2000–2099 年）', filing_number_format: '不是有效的备案号（如 京ICP备2024012345号-1A）',
  filing_number_digits: '备案号的数字位数不正确', filing_number_prefix: '备案号的省份简称不正确', filing_number_sequence: '服务序号应为不超过 6 位、不以 0 开头的数字',
  filing_number_suffix: '备案号后缀不正确（A 为 APP，X 为小程序，网站无后缀）', filing_number_police: '这是公安备案号（公网安备），不是 ICP 备案号',
  filing_number_not_service: '这是主体备案号，请填写以 -序号 结尾的服务备案号', filing_number_not_subject: '这是服务备案号，不是主体备案号',
  filing_number_wrong_service_type: '该备案号所属的服务类型与所需不符',
};

/**
 * Texts with the problem's numbers in them, when the problem carries them (RFC 9457 extensions):
 * `{name}` is the extension's value. Without the number the plain text above is used.
 */
export const PROBLEM_ZH_WITH: Record<string, string> = {
  sms_code_incorrect: '验证码错误，还剩 {remainingAttempts} 次机会',
  sms_resend_too_soon: '发送过于频繁，请 {retryAfterSeconds} 秒后再获取新的验证码',
  application_version_conflict: '申请材料已在别处修改（当前为第 {currentVersion} 版，您编辑的是第 {yourVersion} 版），您这次的修改未保存。请刷新页面，在最新版本上重新修改',
  sms_resend_limit: '重发次数已用完（每次核验最多重发 {maxResends} 次），请使用已收到的验证码，或等待申请退回后重新提交',
};

/** Chinese suggestions for the reasons the system itself writes (their `error` is a code). */
export const SUGGESTION_ZH: Record<string, string> = {
  sms_attempts_exhausted: '请核对负责人手机号能否接收短信后重新提交，并在收到验证码后准确输入',
  sms_check_expired: '请重新提交，并在收到短信后 24 小时内输入验证码',
};

/** The pre-approval keyword warnings carry their type in the code. */
export function problemZh(code: string, params?: Record<string, unknown>): string | undefined {
  const withParams = PROBLEM_ZH_WITH[code];
  if (withParams && params) {
    const filled = withParams.replace(/\{(\w+)\}/g, (m, k: string) => (typeof params[k] === 'number' || typeof params[k] === 'string' ? String(params[k]) : m));
    if (!/\{\w+\}/.test(filled)) return filled;
  }
  if (PROBLEM_ZH[code]) return PROBLEM_ZH[code];
  const m = /^pre_approval_(missing|required)_(.+)$/.exec(code);
  if (m) return '名称或描述涉及需前置审批的内容，请填写对应的审批文件，或确认不涉及';
  return undefined;
}
