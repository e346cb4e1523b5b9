"""A starter dictionary of everyday phrases (通俗语言) and short names (简称), written for this project.

Staff extend and correct it in the back office (/admin/ → 检索同义词); this migration only adds entries
that are missing, so it never overwrites their edits.
"""

from django.db import migrations

# (term, equivalents, kind, two_way): two-way for true synonyms and short names; one-way for colloquial
# phrases, so searching the formal word does not drag in the colloquial one.
STARTER = [
    ("低保", "最低生活保障", "plain", True),
    ("社保", "社会保险", "plain", True),
    ("医保", "医疗保险、医疗保障", "plain", True),
    ("养老金", "基本养老金、养老保险", "plain", True),
    ("公积金", "住房公积金", "plain", True),
    ("五险一金", "社会保险、住房公积金", "plain", False),
    ("交社保", "缴纳社会保险费、社会保险", "plain", False),
    ("交医保", "缴纳基本医疗保险费、医疗保险", "plain", False),
    ("失业金", "失业保险金", "plain", True),
    ("退休", "养老", "plain", False),
    ("营业执照", "市场主体登记、企业登记", "plain", False),
    ("开公司", "公司登记、市场主体登记", "plain", False),
    ("注册公司", "公司登记、市场主体登记", "plain", False),
    ("打官司", "诉讼", "plain", False),
    ("告状", "诉讼、起诉", "plain", False),
    ("民告官", "行政诉讼", "plain", False),
    ("告政府", "行政诉讼、行政复议", "plain", False),
    ("信息公开", "政府信息公开", "plain", True),
    ("政府公开", "政务公开、政府信息公开", "plain", False),
    ("辞退", "解除劳动合同、劳动合同", "plain", False),
    ("开除", "解除劳动合同、劳动合同", "plain", False),
    ("炒鱿鱼", "解除劳动合同、劳动合同", "plain", False),
    ("裁员", "经济性裁员、劳动合同", "plain", False),
    ("遣散费", "经济补偿", "plain", False),
    ("补偿金", "经济补偿", "plain", False),
    ("加班费", "加班工资、延长工作时间", "plain", False),
    ("欠薪", "拖欠工资、工资支付", "plain", False),
    ("讨薪", "拖欠工资、工资支付", "plain", False),
    ("工资条", "工资支付", "plain", False),
    ("产假", "生育假、女职工劳动保护", "plain", False),
    ("买房", "商品房、房屋买卖", "plain", False),
    ("租房", "房屋租赁", "plain", False),
    ("房东", "出租人、房屋租赁", "plain", False),
    ("物业费", "物业服务费用、物业服务收费", "plain", False),
    ("拆迁", "房屋征收、征收补偿", "plain", True),
    ("违建", "违法建设、违法建筑", "plain", True),
    ("车祸", "交通事故", "plain", False),
    ("酒驾", "饮酒驾驶、醉酒驾驶、饮酒后驾驶", "plain", True),
    ("驾照", "机动车驾驶证、驾驶证", "plain", True),
    ("罚单", "行政处罚、罚款", "plain", False),
    ("上户口", "户口登记", "plain", False),
    ("落户", "户口登记、户口迁移", "plain", False),
    ("老人", "老年人", "plain", True),
    ("孩子", "未成年人、儿童", "plain", False),
    ("小孩", "未成年人、儿童", "plain", False),
    ("残疾", "残疾人", "plain", False),
    ("看病", "医疗、就医", "plain", False),
    ("看病报销", "医疗保障、医疗保险", "plain", False),
    ("网购", "电子商务、网络交易", "plain", True),
    ("退货", "消费者权益、退货", "plain", False),
    ("上访", "信访", "plain", True),
    ("交税", "纳税、税收", "plain", False),
    ("个税", "个人所得税", "abbreviation", True),
    ("老赖", "失信被执行人", "plain", True),
    ("借钱", "借款、民间借贷", "plain", False),
    ("欠钱", "借款、债务", "plain", False),
    ("遗产", "继承", "plain", False),
    ("彩礼", "婚约财产", "plain", False),
    ("家暴", "家庭暴力", "plain", True),
    ("校园欺凌", "学生欺凌", "plain", True),
    ("上学", "入学、义务教育", "plain", False),
    ("当兵", "兵役、征兵", "plain", False),
    ("退伍", "退役军人、退役", "plain", True),
    ("放鞭炮", "烟花爆竹", "plain", False),
    ("养狗", "养犬", "plain", True),
    ("狗", "犬", "plain", False),
    ("噪音", "噪声", "plain", True),
    ("环保", "环境保护", "abbreviation", True),
    ("电动车", "电动自行车", "plain", True),
    ("网约车", "网络预约出租汽车", "plain", True),
    ("黑车", "非法营运", "plain", False),
    ("医闹", "医疗纠纷", "plain", False),
    ("二胎", "生育", "plain", False),
    ("三孩", "生育", "plain", False),
    ("城管", "城市管理", "abbreviation", True),
    ("红头文件", "规范性文件", "plain", False),
    ("消法", "消费者权益保护法", "abbreviation", True),
    ("个保法", "个人信息保护法", "abbreviation", True),
    ("人大常委会", "人民代表大会常务委员会", "abbreviation", True),
    ("人大", "人民代表大会", "abbreviation", True),
    ("两高", "最高人民法院、最高人民检察院", "abbreviation", False),
    ("最高法", "最高人民法院", "abbreviation", True),
    ("最高检", "最高人民检察院", "abbreviation", True),
    ("发改委", "发展和改革委员会", "abbreviation", True),
    ("人社", "人力资源和社会保障", "abbreviation", True),
    ("市监局", "市场监督管理局", "abbreviation", True),
    ("住建", "住房和城乡建设", "abbreviation", True),
    ("卫健委", "卫生健康委员会", "abbreviation", True),
    ("国资委", "国有资产监督管理委员会", "abbreviation", True),
    ("证监会", "证券监督管理委员会", "abbreviation", True),
    ("非遗", "非物质文化遗产", "abbreviation", True),
    ("知产", "知识产权", "abbreviation", True),
    ("多少钱", "费用、收费", "plain", False),
    ("上班路上", "上下班途中", "plain", False),
    ("下班路上", "上下班途中", "plain", False),
    ("假货", "假冒、伪劣、消费者权益", "plain", False),
    ("黑心商家", "经营者、欺诈", "plain", False),
    ("坐牢", "有期徒刑、刑罚", "plain", False),
    ("工资太低", "最低工资", "plain", False),
    ("过年", "春节", "plain", False),
    ("结婚登记", "婚姻登记", "plain", False),
    ("离婚登记", "婚姻登记", "plain", False),
    ("领结婚证", "婚姻登记、结婚登记", "plain", False),
    ("房子", "房屋、住房", "plain", False),
    ("租出去", "出租、房屋租赁", "plain", False),
    ("着火", "火灾、消防", "plain", False),
    ("失火", "火灾、消防", "plain", False),
    ("捐款", "捐赠、慈善", "plain", False),
    ("捐钱", "捐赠、慈善", "plain", False),
    ("开车", "驾驶机动车、驾驶", "plain", False),
    ("打电话", "拨打接听电话、手持电话", "plain", False),
    ("打疫苗", "预防接种、疫苗", "plain", False),
    ("丧事", "殡葬、丧葬", "plain", False),
    ("受伤", "伤害、人身损害", "plain", False),
    ("扣工资", "克扣工资、工资支付", "plain", False),
]


def add_starter(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for term, equivalents, kind, two_way in STARTER:
        Synonym.objects.get_or_create(term=term, defaults={"equivalents": equivalents, "kind": kind,
                                                           "two_way": two_way, "note": "初始词典"})


def remove_starter(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.filter(note="初始词典", term__in=[t for t, *_ in STARTER]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_postgres_tsvector")]
    operations = [migrations.RunPython(add_starter, remove_starter)]
