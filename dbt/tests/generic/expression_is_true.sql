{#- Every row satisfies the SQL expression (rows where it is FALSE or NULL fail). Given as a
    column test, the expression is appended to the column: `column_name expression`. -#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not coalesce({{ (column_name ~ ' ' ~ expression) if column_name else expression }}, false)

{% endtest %}
