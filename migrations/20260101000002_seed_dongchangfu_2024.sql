-- Seed: the whole 2024 report on Dongchangfu District (齐鲁晚报《今日聊城》创刊15周年特刊, T04).
-- Every figure, honour and dated commitment the report prints, each with the
-- verbatim excerpt that printed it. Values are exact NUMERIC in the base unit
-- (万 = 10^4, 亿 = 10^8); '余' ("more than") is qualifier 'at_least'.
-- The source text below is byte for byte data/sources/dongchangfu-2024.txt;
-- a test holds the two together.

insert into sources (id, title_zh, title_en, headline_zh, headline_en, publisher_zh, publisher_en,
                     page, reporter_zh, reporter_en, published_on, reference_year, language, file_name, full_text)
values ('dongchangfu-2024',
        '齐鲁晚报《今日聊城》创刊15周年特刊',
        'Qilu Evening News, Today Liaocheng 15th anniversary special issue',
        '在狠抓落实中谋发展，在聚力攻坚中求突破',
        'Developing through firm implementation, breaking through by concentrated effort',
        '齐鲁晚报', 'Qilu Evening News',
        'T04', '陶春燕', 'Tao Chunyan',
        null, 2024, 'zh', 'dongchangfu-2024.txt',
        $source$

在狠抓落实中谋发展，在聚力攻坚中求突破

争当排头兵 打造幸福东昌府

2024年，东昌府区把“抓落实、求突破”作为主旋律、主基调，扎实做好经济社会发展各项工作，认真贯彻落实市委提出的“6293”工作思路，在狠抓落实中谋发展，在聚力攻坚中求突破，坚决当好高质量发展的排头兵，为奋力打造新时代社会主义强市建设贡献力量、展现担当。

齐心相伴 壹起成长

齐鲁晚报《今日聊城》创刊15周年特刊

T04

陶春燕 聊城报道

护航工业经济 高质量发展实现新突破

今年以来，东昌府区工业经济运行稳健，延续了良好发展势头，规上工业企业增加值增速和工业技改投资，这两项主要经济指标，保持了较高的增幅。1至4月份，全区工业企业增加值总产值完成110亿元，同比增长8.7%；工业增加值增速累计增长12.5%，高于全市4.6个百分点，在聊城市高质量发展综合绩效考核中位列第2；全区工业技改投资实际完成3.8亿元，同比增长6.2%。

下一步，东昌府区将围绕市委、区委工作思路，以开展“聚力攻坚突破年”为引领，践行“三提三敢”和“保争提做”工作作风，推动工业经济头号工程，实行重点工作专班化推进、清单式管理，争取用实绩在推动工业运行平稳增长、提升产业高质量发展、推动数字经济高质量发展、护航工业经济高质量发展上实现新突破。

紧贴群众急难愁盼 做好民生保障

东昌府区紧贴群众急难愁盼，全力做好民生保障工作，聚焦老旧小区改造攻坚突破，改善民生居住环境。开展改造前期入户调研，精准制定设计方案，实现“一区一策”的设计要求。建立联合机制，实现移动、联通等四家运营商通信信号全覆盖。持续完善老旧住宅使用功能，促进无障碍环境建设。

聚焦物业服务提质攻坚突破，有效提升群众满意度。开展小区“菜单式”物业服务收费，让居民明

明白白消费。开展“规范物业服务合同”行动，引导居民和物业服务企业按合同履约、按合同解决争议。开展住宅小区资产清产核资，盘活小区经济。

聚焦工程安全管理攻坚突破，保障群众生命财产安全。周密制定2024年度建设工程质量安全巡查工作计划，切实加强该区建设工程质量安全监督管理，预防和减少质量安全事故的发生。履行质量安全责任，保障人民群众的生命财产安全。

聚焦农村厕改、危改等攻坚突破，着力改善群众生活质量。完善改厕后续管护“整县制”工作水平，积极推动以户为单位“先建后补、以奖代补”的新改厕新模式。全面启动2024年农村低收入群体危房改造排查工作。力争2024年9月底前全部完成改造任务，10月份全部验收完毕。

高品质提高医疗服务 群众满意度

东昌府区高水平打造区域医疗卫生高地。强化提升了全区医疗服务和管理同质化水平，成功承办全国妇幼健康事业高质量发展院长高峰论坛暨现场推进会和全省妇幼保健机构建设现场推进会，牵头成立了覆盖河南、河北、山东三省20余家医疗机构的鲁西妇幼健康联盟。多维度改善医疗健康服务质量，沙镇镇中心卫生院正式参照二级医院管理，张炉集镇中心卫生院成功创建聊城市首个基层胸痛救治单元。

高标准推进中医药事业传承创新。积极推进全国基层中医药工作示范区创建，全市首家中医药文化主题公园对市民全面开放。高层次推进健康东昌府建设。入选省级慢

性非传染性疾病综合防控示范区、省级艾滋病综合防治示范区、省级健康教育基地，建成全市首个特殊健康状态人群评估接种门诊。高要求提升养老育幼服务水平。全面推进老年友善医疗机构创建工作，获评山东省第一批婴幼儿照护服务示范区，区妇幼保健院获评国家级首批婴幼儿养护示范指导中心，全市唯一。

聚力建设 宜居宜业和美乡村

今年以来，东昌府区按照“示范引领、连片打造”的总体思路，突出抓好乡村发展、乡村建设、乡村治理3项重点工作，全力推进乡村振兴示范片区建设，努力打造美丽宜居和美乡村。

工作中，东昌府区坚持规划先行，连片开展河渠林草路坡田村全要素整治，加快建设宜居宜业和美乡村。用好城市资源，突出城郊特色，按照“一中心、多组团”片区布局，在原有街道横平竖直、宽阔平整，宅院整齐划一的基础上，加强基础设施建设，提升公共服务水平，打造特色更鲜明、内涵更丰富的示范片区。以打造具有平原特色的城郊型乡村振兴为抓手，深入开展农村人居环境整治，做好垃圾处理、改水改厕、道路硬化、绿化亮化等工作。

东昌府区开展和美乡村省、市、区三级联创，从群众最关心的人居环境、基础设施、公共服务等问题着手，补齐短板弱项。今年以来，投资6000余万元高标准规范提升示范片区。目前，示范片区内建成省级美丽乡村示范村5个、市级6个、区级9个，实现美丽乡村全覆盖。此外，通过巩固农村信用体系建设，完善村级小微权力清单、村民议事、乡贤议事等

制度，东昌府区已构建自治、法治、德治、智治“四治融合”乡村治理模式。堂邑镇被评为山东省乡村治理示范镇，刘庄村被评为全国乡村治理示范村，教场李村被评为全国文明村。

用心用情用力 持续优化营商环境

东昌府区推动各类惠企利民政策落地落实，突出抓好稳就业、保发放、聚人才等各项民生实事，为全区经济发展贡献了人社力量。主要表现为：抓好稳就业保就业，惠企利民有力度。就业服务优质高效，组织开展“就业援助月”招聘会，达成初步就业意向160人，扶持创业带动就业，贴息73.9万元，带动就业278人，落实稳岗纾困政策，为1462家企业发放稳岗返还补贴378.46万元，为183名参保职工发放技能提升补贴33.45万元。

织密社会保障安全网，惠企利民有广度。抓好扩增面保发放，全区各项社会保险参保人数共计46.62万人，养老保险覆盖面达94%。优化经办业务服务体系，建立“人社驿站”2处，设立63个人社服务网点，全区社保卡持卡人数达70.3万。规范退休人员待遇领取资格认证，构建了以静默认证为主、手机APP远程自助认证为辅、疑点信息实地精准核实的资格认证新体系。优化人才引育机制，惠企利民有温度。人才招聘添活力，创新举办“智选东昌·筑梦水城”引才系列活动，携带优质编制、岗位深入东北、武汉等地高校开展招聘活动。平台建设提效力，吸引培养大量科研人才。人才服务增动力，落实人才扶持政策，打造“保姆式”“零跑腿”的服务模式，为各类人才提供“一对一”服务，打造人才集聚好生态。

$source$);

insert into regions (code, parent_code, level, code_scheme, name_zh, name_en, note) values
    ('370000', null, 'province', 'gb2260', '山东省', 'Shandong Province', null),
    ('371500', '370000', 'prefecture', 'gb2260', '聊城市', 'Liaocheng City', null),
    ('371502', '371500', 'county', 'gb2260', '东昌府区', 'Dongchangfu District', null),
    ('371502-tangyi', '371502', 'township', 'local', '堂邑镇', 'Tangyi Town', null),
    ('371502-shazhen', '371502', 'township', 'local', '沙镇镇', 'Shazhen Town', null),
    ('371502-zhangluji', '371502', 'township', 'local', '张炉集镇', 'Zhangluji Town', null),
    ('371502-liuzhuang', '371502', 'village', 'local', '刘庄村', 'Liuzhuang Village',
     'The report does not name the town this village belongs to, so it is placed directly under the district.'),
    ('371502-jiaochangli', '371502', 'village', 'local', '教场李村', 'Jiaochangli Village',
     'The report does not name the town this village belongs to, so it is placed directly under the district.');

insert into topics (code, name_zh, name_en, position) values
    ('industry', '工业经济', 'Industry', 1),
    ('housing_livelihood', '住房与民生保障', 'Housing and livelihood', 2),
    ('health', '医疗卫生', 'Health', 3),
    ('rural_revitalisation', '乡村振兴', 'Rural revitalisation', 4),
    ('employment_social_security', '就业与社会保障', 'Employment and social security', 5);

-- Base units first: each refers to itself.
insert into units (code, symbol_zh, name_zh, name_en, dimension, base_code, factor) values
    ('cny', '元', '元', 'yuan (CNY)', 'currency', 'cny', 1),
    ('person', '人', '人', 'persons', 'persons', 'person', 1),
    ('organisation', '家', '家', 'organisations (enterprises, institutions)', 'organisations', 'organisation', 1),
    ('percent', '%', '百分比', 'percent', 'percent', 'percent', 1),
    ('percentage_point', '个百分点', '百分点', 'percentage points', 'percentage_points', 'percentage_point', 1),
    ('rank', '位', '位次', 'rank', 'rank', 'rank', 1),
    ('count', '个', '个', 'count', 'count', 'count', 1);
insert into units (code, symbol_zh, name_zh, name_en, dimension, base_code, factor) values
    ('cny_10k', '万元', '万元', 'ten thousand yuan', 'currency', 'cny', 10000),
    ('cny_100m', '亿元', '亿元', 'hundred million yuan', 'currency', 'cny', 100000000),
    ('person_10k', '万人', '万人', 'ten thousand persons', 'persons', 'person', 10000);

insert into indicators (code, topic_code, name_zh, name_en, unit_code, kind, position, description_en) values
    ('industrial_output_value', 'industry', '工业企业增加值总产值', 'Industrial output value', 'cny', 'level', 1,
     'Printed as 工业企业增加值总产值 ("industrial enterprises value-added gross output value"); cumulative for the period.'),
    ('industrial_output_value_growth', 'industry', '工业企业增加值总产值同比增长', 'Industrial output value, growth year on year', 'percent', 'growth_rate', 2,
     'Year-on-year growth of the industrial output value over the same period of the previous year.'),
    ('industrial_value_added_growth', 'industry', '工业增加值累计增速', 'Industrial value added, cumulative growth', 'percent', 'growth_rate', 3,
     'Cumulative growth of industrial value added (工业增加值增速累计增长), most likely of enterprises above designated size (规上), as the paragraph opens with them; by Chinese statistical convention against the same period of the previous year, though the report does not print 同比 here.'),
    ('industrial_value_added_growth_gap_vs_city', 'industry', '工业增加值增速高于全市', 'Industrial value-added growth above the city''s', 'percentage_point', 'difference', 4,
     'How many percentage points the region''s cumulative industrial value-added growth exceeds Liaocheng City''s.'),
    ('industrial_value_added_growth_rank', 'industry', '工业增加值增速在聊城市高质量发展综合绩效考核中的位次', 'Rank of industrial value-added growth in Liaocheng''s high-quality development performance assessment', 'rank', 'rank', 5,
     'Where the region''s industrial value-added growth places in Liaocheng City''s comprehensive high-quality development performance assessment (1 is best). The report ranks this growth rate, not the region overall.'),
    ('industrial_tech_renovation_investment', 'industry', '工业技改投资', 'Industrial technological renovation investment', 'cny', 'level', 6,
     'Investment actually completed in technological renovation of industry (工业技改投资实际完成), cumulative for the period.'),
    ('industrial_tech_renovation_investment_growth', 'industry', '工业技改投资同比增长', 'Industrial technological renovation investment, growth year on year', 'percent', 'growth_rate', 7,
     'Year-on-year growth of industrial technological renovation investment.'),
    ('old_community_telecom_operators', 'housing_livelihood', '老旧小区通信信号全覆盖运营商数', 'Telecom operators with full signal coverage in renovated old communities', 'organisation', 'count', 8,
     'Operators (China Mobile, China Unicom and others) whose signal fully covers the renovated old residential communities, under a joint mechanism.'),
    ('maternal_child_alliance_members', 'health', '鲁西妇幼健康联盟医疗机构数', 'Medical institutions in the West Shandong Maternal and Child Health Alliance', 'organisation', 'count', 9,
     'Medical institutions in the alliance the district led in founding.'),
    ('maternal_child_alliance_provinces', 'health', '鲁西妇幼健康联盟覆盖省份数', 'Provinces covered by the West Shandong Maternal and Child Health Alliance', 'count', 'count', 10,
     'Provinces the alliance''s members come from (Henan, Hebei, Shandong).'),
    ('rural_revitalisation_key_tasks', 'rural_revitalisation', '乡村振兴重点工作项数', 'Key rural revitalisation workstreams', 'count', 'count', 11,
     'Key workstreams pursued: rural development, rural construction and rural governance.'),
    ('demonstration_area_investment', 'rural_revitalisation', '示范片区提升投资', 'Investment in upgrading the rural revitalisation demonstration area', 'cny', 'level', 12,
     'Investment to upgrade the rural revitalisation demonstration area since the start of the year.'),
    ('provincial_beautiful_villages', 'rural_revitalisation', '示范片区内省级美丽乡村示范村', 'Provincial-level beautiful-village demonstration villages in the demonstration area', 'count', 'count', 13,
     'Villages in the demonstration area built to the provincial beautiful-village demonstration standard.'),
    ('municipal_beautiful_villages', 'rural_revitalisation', '示范片区内市级美丽乡村示范村', 'City-level beautiful-village demonstration villages in the demonstration area', 'count', 'count', 14,
     'Villages in the demonstration area built to the city-level beautiful-village demonstration standard.'),
    ('district_beautiful_villages', 'rural_revitalisation', '示范片区内区级美丽乡村示范村', 'District-level beautiful-village demonstration villages in the demonstration area', 'count', 'count', 15,
     'Villages in the demonstration area built to the district-level beautiful-village demonstration standard.'),
    ('job_fair_employment_intentions', 'employment_social_security', '就业援助月招聘会达成初步就业意向人数', 'Preliminary job agreements at the Employment Assistance Month fairs', 'person', 'count', 16,
     'People who reached a preliminary employment intention at the Employment Assistance Month job fairs.'),
    ('startup_loan_interest_subsidy', 'employment_social_security', '创业贴息金额', 'Interest subsidies for business start-up loans', 'cny', 'level', 17,
     'Interest subsidised on loans supporting business start-ups that create jobs.'),
    ('jobs_created_by_supported_startups', 'employment_social_security', '扶持创业带动就业人数', 'Jobs created by supported start-ups', 'person', 'count', 18,
     'Employment generated by the start-ups that received interest subsidies.'),
    ('job_retention_refund_enterprises', 'employment_social_security', '发放稳岗返还补贴企业数', 'Enterprises receiving job-retention refunds', 'organisation', 'count', 19,
     'Enterprises paid unemployment-insurance job-retention refunds (稳岗返还补贴).'),
    ('job_retention_refund_amount', 'employment_social_security', '稳岗返还补贴金额', 'Job-retention refunds paid', 'cny', 'level', 20,
     'Total job-retention refunds paid to enterprises.'),
    ('skills_upgrade_subsidy_recipients', 'employment_social_security', '技能提升补贴发放人数', 'Insured employees receiving skills-upgrade subsidies', 'person', 'count', 21,
     'Insured employees paid a skills-upgrade subsidy.'),
    ('skills_upgrade_subsidy_amount', 'employment_social_security', '技能提升补贴金额', 'Skills-upgrade subsidies paid', 'cny', 'level', 22,
     'Total skills-upgrade subsidies paid to insured employees.'),
    ('social_insurance_enrolment', 'employment_social_security', '各项社会保险参保人数', 'Social insurance enrolment, all schemes', 'person', 'level', 23,
     'Enrolment summed over all social insurance schemes (各项社会保险参保人数共计), so a person insured under two schemes counts twice.'),
    ('pension_insurance_coverage', 'employment_social_security', '养老保险覆盖面', 'Pension insurance coverage', 'percent', 'share', 24,
     'Share of the target population covered by pension insurance.'),
    ('hr_social_security_stations', 'employment_social_security', '人社驿站数', 'Human resources and social security stations (人社驿站)', 'count', 'count', 25,
     'Human resources and social security stations established.'),
    ('hr_social_security_service_outlets', 'employment_social_security', '人社服务网点数', 'Human resources and social security service outlets', 'count', 'count', 26,
     'Service outlets for human resources and social security business.'),
    ('social_security_card_holders', 'employment_social_security', '社保卡持卡人数', 'Social security card holders', 'person', 'level', 27,
     'People holding a social security card.');

-- Periods. The report prints no publication date. A figure stated for
-- '1至4月份' covers 2024-01-01..2024-04-30; one stated '今年以来' (since the
-- start of the year), '目前' (now) or with no period at all is given the
-- report's year, 2024-01-01..2024-12-31, and its label keeps the wording.
insert into observations (indicator_code, region_code, period_start, period_end, period_label, value, qualifier, comparison_basis,
                          reported_value, reported_unit, reported_unit_code, reported_text, source_id, excerpt) values
    ('industrial_output_value', '371502', '2024-01-01', '2024-04-30', '2024年1至4月份', 11000000000, 'exact', null,
     110, '亿元', 'cny_100m', '110亿元', 'dongchangfu-2024', '1至4月份，全区工业企业增加值总产值完成110亿元，同比增长8.7%'),
    ('industrial_output_value_growth', '371502', '2024-01-01', '2024-04-30', '2024年1至4月份', 8.7, 'exact', 'year_on_year',
     8.7, '%', 'percent', '8.7%', 'dongchangfu-2024', '1至4月份，全区工业企业增加值总产值完成110亿元，同比增长8.7%'),
    ('industrial_value_added_growth', '371502', '2024-01-01', '2024-04-30', '2024年1至4月份', 12.5, 'exact', null,
     12.5, '%', 'percent', '12.5%', 'dongchangfu-2024', '工业增加值增速累计增长12.5%，高于全市4.6个百分点'),
    ('industrial_value_added_growth_gap_vs_city', '371502', '2024-01-01', '2024-04-30', '2024年1至4月份', 4.6, 'exact', null,
     4.6, '个百分点', 'percentage_point', '4.6个百分点', 'dongchangfu-2024', '工业增加值增速累计增长12.5%，高于全市4.6个百分点'),
    ('industrial_value_added_growth_rank', '371502', '2024-01-01', '2024-04-30', '2024年1至4月份', 2, 'exact', null,
     2, '第', 'rank', '第2', 'dongchangfu-2024', '工业增加值增速累计增长12.5%，高于全市4.6个百分点，在聊城市高质量发展综合绩效考核中位列第2'),
    ('industrial_tech_renovation_investment', '371502', '2024-01-01', '2024-04-30', '2024年1至4月份', 380000000, 'exact', null,
     3.8, '亿元', 'cny_100m', '3.8亿元', 'dongchangfu-2024', '全区工业技改投资实际完成3.8亿元，同比增长6.2%'),
    ('industrial_tech_renovation_investment_growth', '371502', '2024-01-01', '2024-04-30', '2024年1至4月份', 6.2, 'exact', 'year_on_year',
     6.2, '%', 'percent', '6.2%', 'dongchangfu-2024', '全区工业技改投资实际完成3.8亿元，同比增长6.2%'),
    ('old_community_telecom_operators', '371502', '2024-01-01', '2024-12-31', '2024年', 4, 'exact', null,
     4, '家', 'organisation', '四家', 'dongchangfu-2024', '建立联合机制，实现移动、联通等四家运营商通信信号全覆盖。'),
    ('maternal_child_alliance_members', '371502', '2024-01-01', '2024-12-31', '2024年', 20, 'at_least', null,
     20, '家', 'organisation', '20余家', 'dongchangfu-2024', '牵头成立了覆盖河南、河北、山东三省20余家医疗机构的鲁西妇幼健康联盟。'),
    ('maternal_child_alliance_provinces', '371502', '2024-01-01', '2024-12-31', '2024年', 3, 'exact', null,
     3, '省', 'count', '三省', 'dongchangfu-2024', '牵头成立了覆盖河南、河北、山东三省20余家医疗机构的鲁西妇幼健康联盟。'),
    ('rural_revitalisation_key_tasks', '371502', '2024-01-01', '2024-12-31', '2024年（今年以来）', 3, 'exact', null,
     3, '项', 'count', '3项', 'dongchangfu-2024', '今年以来，东昌府区按照“示范引领、连片打造”的总体思路，突出抓好乡村发展、乡村建设、乡村治理3项重点工作'),
    ('demonstration_area_investment', '371502', '2024-01-01', '2024-12-31', '2024年（今年以来）', 60000000, 'at_least', null,
     6000, '万元', 'cny_10k', '6000余万元', 'dongchangfu-2024', '今年以来，投资6000余万元高标准规范提升示范片区。'),
    ('provincial_beautiful_villages', '371502', '2024-01-01', '2024-12-31', '2024年（目前）', 5, 'exact', null,
     5, '个', 'count', '5个', 'dongchangfu-2024', '目前，示范片区内建成省级美丽乡村示范村5个、市级6个、区级9个，实现美丽乡村全覆盖。'),
    ('municipal_beautiful_villages', '371502', '2024-01-01', '2024-12-31', '2024年（目前）', 6, 'exact', null,
     6, '个', 'count', '6个', 'dongchangfu-2024', '目前，示范片区内建成省级美丽乡村示范村5个、市级6个、区级9个，实现美丽乡村全覆盖。'),
    ('district_beautiful_villages', '371502', '2024-01-01', '2024-12-31', '2024年（目前）', 9, 'exact', null,
     9, '个', 'count', '9个', 'dongchangfu-2024', '目前，示范片区内建成省级美丽乡村示范村5个、市级6个、区级9个，实现美丽乡村全覆盖。'),
    ('job_fair_employment_intentions', '371502', '2024-01-01', '2024-12-31', '2024年', 160, 'exact', null,
     160, '人', 'person', '160人', 'dongchangfu-2024', '组织开展“就业援助月”招聘会，达成初步就业意向160人'),
    ('startup_loan_interest_subsidy', '371502', '2024-01-01', '2024-12-31', '2024年', 739000, 'exact', null,
     73.9, '万元', 'cny_10k', '73.9万元', 'dongchangfu-2024', '扶持创业带动就业，贴息73.9万元，带动就业278人'),
    ('jobs_created_by_supported_startups', '371502', '2024-01-01', '2024-12-31', '2024年', 278, 'exact', null,
     278, '人', 'person', '278人', 'dongchangfu-2024', '扶持创业带动就业，贴息73.9万元，带动就业278人'),
    ('job_retention_refund_enterprises', '371502', '2024-01-01', '2024-12-31', '2024年', 1462, 'exact', null,
     1462, '家', 'organisation', '1462家', 'dongchangfu-2024', '落实稳岗纾困政策，为1462家企业发放稳岗返还补贴378.46万元'),
    ('job_retention_refund_amount', '371502', '2024-01-01', '2024-12-31', '2024年', 3784600, 'exact', null,
     378.46, '万元', 'cny_10k', '378.46万元', 'dongchangfu-2024', '落实稳岗纾困政策，为1462家企业发放稳岗返还补贴378.46万元'),
    ('skills_upgrade_subsidy_recipients', '371502', '2024-01-01', '2024-12-31', '2024年', 183, 'exact', null,
     183, '名', 'person', '183名', 'dongchangfu-2024', '为183名参保职工发放技能提升补贴33.45万元。'),
    ('skills_upgrade_subsidy_amount', '371502', '2024-01-01', '2024-12-31', '2024年', 334500, 'exact', null,
     33.45, '万元', 'cny_10k', '33.45万元', 'dongchangfu-2024', '为183名参保职工发放技能提升补贴33.45万元。'),
    ('social_insurance_enrolment', '371502', '2024-01-01', '2024-12-31', '2024年', 466200, 'exact', null,
     46.62, '万人', 'person_10k', '46.62万人', 'dongchangfu-2024', '全区各项社会保险参保人数共计46.62万人，养老保险覆盖面达94%。'),
    ('pension_insurance_coverage', '371502', '2024-01-01', '2024-12-31', '2024年', 94, 'exact', null,
     94, '%', 'percent', '94%', 'dongchangfu-2024', '全区各项社会保险参保人数共计46.62万人，养老保险覆盖面达94%。'),
    ('hr_social_security_stations', '371502', '2024-01-01', '2024-12-31', '2024年', 2, 'exact', null,
     2, '处', 'count', '2处', 'dongchangfu-2024', '建立“人社驿站”2处，设立63个人社服务网点，全区社保卡持卡人数达70.3万。'),
    ('hr_social_security_service_outlets', '371502', '2024-01-01', '2024-12-31', '2024年', 63, 'exact', null,
     63, '个', 'count', '63个', 'dongchangfu-2024', '建立“人社驿站”2处，设立63个人社服务网点，全区社保卡持卡人数达70.3万。'),
    ('social_security_card_holders', '371502', '2024-01-01', '2024-12-31', '2024年', 703000, 'exact', null,
     70.3, '万', 'person_10k', '70.3万', 'dongchangfu-2024', '建立“人社驿站”2处，设立63个人社服务网点，全区社保卡持卡人数达70.3万。');

-- The report gives the district's growth and its lead over the city; the
-- city's own growth follows, and is stored as derived, never as printed.
insert into observations (indicator_code, region_code, period_start, period_end, period_label, value, qualifier,
                          derived, formula, source_id, excerpt) values
    ('industrial_value_added_growth', '371500', '2024-01-01', '2024-04-30', '2024年1至4月份', 7.9, 'exact',
     true, 'industrial_value_added_growth[371502] - industrial_value_added_growth_gap_vs_city[371502] = 12.5 - 4.6',
     'dongchangfu-2024', '工业增加值增速累计增长12.5%，高于全市4.6个百分点');

insert into recognitions (region_code, holder_zh, holder_en, topic_code, title_zh, title_en, category, level, year, source_id, excerpt) values
    ('371502', null, null, 'health',
     '全国妇幼健康事业高质量发展院长高峰论坛暨现场推进会', 'National summit of hospital directors on high-quality maternal and child health, with on-site meeting',
     'hosted_event', 'national', 2024, 'dongchangfu-2024', '成功承办全国妇幼健康事业高质量发展院长高峰论坛暨现场推进会'),
    ('371502', null, null, 'health',
     '全省妇幼保健机构建设现场推进会', 'Provincial on-site meeting on building maternal and child health institutions',
     'hosted_event', 'provincial', 2024, 'dongchangfu-2024', '全省妇幼保健机构建设现场推进会'),
    ('371502', null, null, 'health',
     '鲁西妇幼健康联盟', 'West Shandong Maternal and Child Health Alliance (the district led its founding)',
     'initiative', null, 2024, 'dongchangfu-2024', '牵头成立了覆盖河南、河北、山东三省20余家医疗机构的鲁西妇幼健康联盟。'),
    ('371502-shazhen', '沙镇镇中心卫生院', 'Shazhen Town Central Health Centre', 'health',
     '正式参照二级医院管理', 'Formally managed as a secondary (Grade II) hospital',
     'status', null, 2024, 'dongchangfu-2024', '沙镇镇中心卫生院正式参照二级医院管理'),
    ('371502-zhangluji', '张炉集镇中心卫生院', 'Zhangluji Town Central Health Centre', 'health',
     '聊城市首个基层胸痛救治单元', 'First primary-care chest pain treatment unit in Liaocheng City',
     'first_in_city', 'municipal', 2024, 'dongchangfu-2024', '张炉集镇中心卫生院成功创建聊城市首个基层胸痛救治单元。'),
    ('371502', null, null, 'health',
     '全市首家中医药文化主题公园', 'First traditional Chinese medicine culture theme park in the city, fully open to the public',
     'first_in_city', 'municipal', 2024, 'dongchangfu-2024', '全市首家中医药文化主题公园对市民全面开放。'),
    ('371502', null, null, 'health',
     '省级慢性非传染性疾病综合防控示范区', 'Provincial demonstration zone for comprehensive prevention and control of chronic non-communicable diseases',
     'designation', 'provincial', 2024, 'dongchangfu-2024', E'入选省级慢\n\n性非传染性疾病综合防控示范区'),
    ('371502', null, null, 'health',
     '省级艾滋病综合防治示范区', 'Provincial demonstration zone for comprehensive HIV/AIDS prevention and treatment',
     'designation', 'provincial', 2024, 'dongchangfu-2024', '省级艾滋病综合防治示范区'),
    ('371502', null, null, 'health',
     '省级健康教育基地', 'Provincial health education base',
     'designation', 'provincial', 2024, 'dongchangfu-2024', '省级健康教育基地'),
    ('371502', null, null, 'health',
     '全市首个特殊健康状态人群评估接种门诊', 'First vaccination clinic in the city assessing people with special health conditions',
     'first_in_city', 'municipal', 2024, 'dongchangfu-2024', '建成全市首个特殊健康状态人群评估接种门诊。'),
    ('371502', null, null, 'health',
     '山东省第一批婴幼儿照护服务示范区', 'Shandong Province first batch of infant and toddler care service demonstration zones',
     'title', 'provincial', 2024, 'dongchangfu-2024', '获评山东省第一批婴幼儿照护服务示范区'),
    ('371502', '东昌府区妇幼保健院', 'Dongchangfu District Maternal and Child Health Hospital', 'health',
     '国家级首批婴幼儿养护示范指导中心', 'National first batch of infant and toddler care demonstration and guidance centres (the only one in the city)',
     'title', 'national', 2024, 'dongchangfu-2024', '区妇幼保健院获评国家级首批婴幼儿养护示范指导中心，全市唯一。'),
    ('371502-tangyi', null, null, 'rural_revitalisation',
     '山东省乡村治理示范镇', 'Shandong Province rural governance demonstration town',
     'title', 'provincial', 2024, 'dongchangfu-2024', '堂邑镇被评为山东省乡村治理示范镇'),
    ('371502-liuzhuang', null, null, 'rural_revitalisation',
     '全国乡村治理示范村', 'National rural governance demonstration village',
     'title', 'national', 2024, 'dongchangfu-2024', '刘庄村被评为全国乡村治理示范村'),
    ('371502-jiaochangli', null, null, 'rural_revitalisation',
     '全国文明村', 'National civilised village',
     'title', 'national', 2024, 'dongchangfu-2024', '教场李村被评为全国文明村。');

insert into targets (region_code, topic_code, title_zh, title_en, due_date, due_label, source_id, excerpt) values
    ('371502', 'housing_livelihood',
     '2024年度建设工程质量安全巡查工作计划', 'Construction quality and safety inspection plan for 2024 (drawn up; it runs to the end of the year)',
     '2024-12-31', '2024年度', 'dongchangfu-2024', '周密制定2024年度建设工程质量安全巡查工作计划'),
    ('371502', 'housing_livelihood',
     '全部完成2024年农村低收入群体危房改造任务', 'Finish all 2024 dangerous-house renovations for rural low-income households',
     '2024-09-30', '2024年9月底前', 'dongchangfu-2024', '全面启动2024年农村低收入群体危房改造排查工作。力争2024年9月底前全部完成改造任务'),
    ('371502', 'housing_livelihood',
     '全部验收2024年农村低收入群体危房改造', 'Inspect and accept all 2024 dangerous-house renovations for rural low-income households',
     '2024-10-31', '10月份', 'dongchangfu-2024', '力争2024年9月底前全部完成改造任务，10月份全部验收完毕。'),
    ('371502', 'health',
     '创建全国基层中医药工作示范区', 'Win designation as a national demonstration area for primary-level traditional Chinese medicine',
     null, null, 'dongchangfu-2024', '积极推进全国基层中医药工作示范区创建'),
    ('371502', 'health',
     '创建老年友善医疗机构', 'Make medical institutions elderly-friendly',
     null, null, 'dongchangfu-2024', '全面推进老年友善医疗机构创建工作');
